import type pg from 'pg';
import type * as PgModule from 'pg';
import type { Logger } from 'pino';

export interface PoolSettings {
  connectionString: string;
  max: number;
  statementTimeoutMs: number;
}

const CONNECTION_TIMEOUT_MS = 5000;

/**
 * A pg.Pool that fails fast when the server is unreachable and never lets a client's error (server
 * restart, a session terminated, network blip) crash the process, whether the client is idle in
 * the pool or checked out.
 *
 * pg-pool listens for errors only on idle clients: it drops such a client and emits 'error' on the
 * pool (logged here). While a client is checked out (a transaction, the migrations, a readiness
 * query) nothing listens, so an error the server sends between two queries would be an unhandled
 * 'error' event and end the process. Every client therefore gets a listener of its own when it
 * connects; the error still reaches its holder, as the rejection of its next query, and the pool
 * destroys the client when it is released.
 */
export function createPool(settings: PoolSettings, log: Logger): pg.Pool {
  // Loaded here, when a service opens its database, not with the kit: one without a database never needs the driver.
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- loaded on use (see above)
  const { Pool } = require('pg') as typeof PgModule;
  const pool = new Pool({
    connectionString: settings.connectionString,
    max: settings.max,
    connectionTimeoutMillis: CONNECTION_TIMEOUT_MS,
    ...(settings.statementTimeoutMs > 0 && { statement_timeout: settings.statementTimeoutMs }),
  });
  const checkedOut = new WeakSet<pg.PoolClient>();
  pool.on('acquire', (client) => checkedOut.add(client));
  pool.on('release', (_error, client) => checkedOut.delete(client));
  pool.on('connect', (client) =>
    client.on('error', (error) => {
      // An idle client's error is the pool's 'error' below; logged once, there.
      if (checkedOut.has(client)) log.warn({ err: error }, 'database connection in use failed');
    }),
  );
  pool.on('error', (error) => log.error({ err: error }, 'idle database client failed'));
  return pool;
}
