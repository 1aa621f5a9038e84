import type * as EmbeddedPostgres from '@lab/embedded-postgres';
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

/** No DATABASE_URL, and the embedded development Postgres is not installed (a production image). */
export class EmbeddedDatabaseUnavailableError extends Error {
  readonly code = 'EMBEDDED_DATABASE_UNAVAILABLE';

  constructor(cause: unknown) {
    super(
      'DATABASE_URL is not set, and the embedded development Postgres (@lab/embedded-postgres) is not installed: ' +
        'production images leave it out. Set DATABASE_URL to a Postgres server.',
      { cause },
    );
    this.name = 'EmbeddedDatabaseUnavailableError';
  }
}

const EMBEDDED_POSTGRES = '@lab/embedded-postgres';

/**
 * The development fallback, loaded only when it is used: it is a development dependency of
 * service-kit, so `npm ci --omit=dev` (the images) leaves PGlite out of node_modules.
 */
export async function loadEmbeddedPostgres(
  load: () => Promise<typeof EmbeddedPostgres> = () => import(EMBEDDED_POSTGRES),
): Promise<typeof EmbeddedPostgres> {
  try {
    return await load();
  } catch (error) {
    const code = (error as { code?: unknown } | null)?.code;
    const missing = code === 'MODULE_NOT_FOUND' || code === 'ERR_MODULE_NOT_FOUND';
    if (missing && String((error as Error).message).includes(EMBEDDED_POSTGRES)) {
      throw new EmbeddedDatabaseUnavailableError(error);
    }
    throw error;
  }
}

/**
 * The service's pool, not yet connected (start-up waits for the first connection separately). With
 * DATABASE_URL it is a normal pool; without it (outside production, which the config refuses) an
 * in-process Postgres is started and the same pool connects to it. That server runs one unit of
 * work at a time and each transaction alone, so the pool's size buys no parallelism there, but
 * every connection still behaves as on a real server.
 */
export async function openDatabase(config: BaseConfig, log: Logger): Promise<Database> {
  const settings = { max: config.DATABASE_POOL_MAX, statementTimeoutMs: config.DATABASE_STATEMENT_TIMEOUT_MS };
  if (config.DATABASE_URL) {
    const pool = createPool({ ...settings, connectionString: config.DATABASE_URL }, log);
    return { pool, source: 'url', close: () => pool.end() };
  }
  const { startEmbeddedPostgres } = await loadEmbeddedPostgres();
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
