import pg from 'pg';
import type { Logger } from 'pino';

export interface PoolSettings {
  connectionString: string;
  max: number;
  statementTimeoutMs: number;
}

const CONNECTION_TIMEOUT_MS = 5000;

/**
 * A pg.Pool that fails fast when the server is unreachable and never lets an idle client's error
 * (server restart, network blip) crash the process: the pool drops that client and carries on.
 */
export function createPool(settings: PoolSettings, log: Logger): pg.Pool {
  const pool = new pg.Pool({
    connectionString: settings.connectionString,
    max: settings.max,
    connectionTimeoutMillis: CONNECTION_TIMEOUT_MS,
    ...(settings.statementTimeoutMs > 0 && { statement_timeout: settings.statementTimeoutMs }),
  });
  pool.on('error', (error) => log.error({ err: error }, 'idle database client failed'));
  return pool;
}
