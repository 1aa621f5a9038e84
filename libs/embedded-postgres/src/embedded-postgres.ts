import { startPgliteWorker, stopPgliteWorker } from './pglite-worker';
import { InitdbSnapshotCache } from './snapshot-cache';
import type { Logger } from './logger';
import { silentLogger } from './logger';

export interface EmbeddedPostgresOptions {
  /** Interface to listen on (default 127.0.0.1). */
  host?: string;
  /** TCP port; 0 (the default) asks the OS for a free one. */
  port?: number;
  /** Directory that keeps the data between runs; in memory when omitted. */
  dataDir?: string;
  /** Client connections the multiplexer accepts at once (default 10). */
  maxConnections?: number;
  /**
   * In-memory databases start from a cached copy of a freshly initialised data directory (much
   * faster than initdb). true (default) keeps it in the temp dir, a string names another directory,
   * false always runs initdb.
   */
  snapshotCache?: boolean | string;
  logger?: Logger;
}

export interface EmbeddedPostgres {
  /** postgres://postgres@HOST:PORT/postgres?sslmode=disable */
  url: string;
  port: number;
  close(): Promise<void>;
}

export const DEFAULT_MAX_CONNECTIONS = 10;

/**
 * Starts PGlite (Postgres compiled to WebAssembly) behind a TCP server that speaks the Postgres wire
 * protocol, so ordinary clients such as `pg` connect to it as to a real server. Both run on a worker
 * thread: PGlite executes statements synchronously, and off the main thread they never stall the
 * event loop of the service that embeds them. PGlite runs one statement at a time; the socket
 * server's multiplexer queues the statements of several connections and keeps a transaction's
 * statements on the connection that opened it.
 */
export async function startEmbeddedPostgres(o: EmbeddedPostgresOptions = {}): Promise<EmbeddedPostgres> {
  const host = o.host ?? '127.0.0.1';
  const log = o.logger ?? silentLogger;
  const maxConnections = o.maxConnections ?? DEFAULT_MAX_CONNECTIONS;
  const cache =
    o.dataDir || o.snapshotCache === false
      ? undefined
      : InitdbSnapshotCache.forInstalledPglite(typeof o.snapshotCache === 'string' ? o.snapshotCache : undefined);
  const cached = await cache?.read();
  const { worker, conn, snapshot, snapshotRejected } = await startPgliteWorker({
    pglitePath: require.resolve('@electric-sql/pglite'),
    socketPath: require.resolve('@electric-sql/pglite-socket'),
    dataDir: o.dataDir,
    snapshot: cached,
    wantSnapshot: Boolean(cache),
    host,
    port: o.port ?? 0,
    maxConnections,
  });
  if (snapshotRejected) log.warn({ file: cache?.file }, 'embedded postgres: cached initdb snapshot unusable; replaced');
  if (snapshot) await cache?.write(snapshot);
  else if (snapshotRejected) await cache?.discard();
  const port = listeningPort(conn);
  const url = `postgres://postgres@${clientHost(host)}:${port}/postgres?sslmode=disable`;
  log.info({ port, maxConnections, persistent: Boolean(o.dataDir) }, 'embedded postgres listening');
  // Without a listener an 'error' from the thread would crash the embedding process.
  worker.on('error', (error) => log.error({ err: error.message, port }, 'embedded postgres failed'));

  let closing: Promise<void> | undefined;
  return {
    url,
    port,
    close() {
      // Closing twice (a test's afterAll and a signal handler, say) must not close the db twice.
      closing ??= (async () => {
        await stopPgliteWorker(worker);
        log.info({ port }, 'embedded postgres stopped');
      })();
      return closing;
    },
  };
}

/** getServerConn() answers "host:port" (IPv6 hosts contain colons, so take the last part). */
function listeningPort(conn: string): number {
  const port = Number(conn.slice(conn.lastIndexOf(':') + 1));
  if (!Number.isInteger(port) || port <= 0) throw new Error(`embedded postgres: unexpected listen address ${conn}`);
  return port;
}

/** A wildcard listen address is not something a client can dial; point clients at loopback. */
export function clientHost(host: string): string {
  if (host === '0.0.0.0' || host === '') return '127.0.0.1';
  if (host === '::') return '[::1]';
  return host.includes(':') ? `[${host}]` : host;
}
