import { startEmbeddedPostgres } from '@lab/embedded-postgres';
import type pg from 'pg';
import type { Logger } from 'pino';
import type { BaseConfig } from '../config/base-config';
import { createPool } from './pool';

export interface Database {
  pool: pg.Pool;
  /** 'embedded' when no DATABASE_URL was given and an in-process Postgres was started. */
  source: 'url' | 'embedded';
  close(): Promise<void>;
}

/**
 * The service's pool. With DATABASE_URL it is a normal pool; without it (outside production, which
 * the config refuses) an in-process Postgres is started and the same pool connects to it. That
 * server runs one unit of work at a time and each transaction alone, so the pool's size buys no
 * parallelism there, but every connection still behaves as on a real server.
 */
export async function openDatabase(config: BaseConfig, log: Logger): Promise<Database> {
  const settings = { max: config.DATABASE_POOL_MAX, statementTimeoutMs: config.DATABASE_STATEMENT_TIMEOUT_MS };
  if (config.DATABASE_URL) {
    const pool = createPool({ ...settings, connectionString: config.DATABASE_URL }, log);
    return { pool, source: 'url', close: () => pool.end() };
  }
  log.warn('DATABASE_URL is not set: starting an embedded, in-memory Postgres (development only)');
  const embedded = await startEmbeddedPostgres({ port: 0, logger: log });
  const pool = createPool({ ...settings, connectionString: embedded.url }, log);
  return {
    pool,
    source: 'embedded',
    async close() {
      await pool.end();
      await embedded.close();
    },
  };
}
