import { PgliteWorkerExecutor, startPgliteWorker, stopPgliteWorker } from './pglite-worker';
import { WireServer } from './wire/wire-server';
import { InitdbSnapshotCache } from './snapshot-cache';
import { type Logger, silentLogger } from '@lab/common';

export interface EmbeddedPostgresOptions {
  /** Interface to listen on (default 127.0.0.1). */
  host?: string;
  /** TCP port; 0 (the default) asks the OS for a free one. */
  port?: number;
  /** Directory that keeps the data between runs; in memory when omitted. */
  dataDir?: string;
  /** Client connections served at once (default 100, as Postgres's max_connections); more are refused. */
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

export const DEFAULT_MAX_CONNECTIONS = 100;

/**
 * Starts PGlite (Postgres compiled to WebAssembly) behind a TCP server that speaks the Postgres wire
 * protocol, so ordinary clients such as `pg` connect to it as to a real server. PGlite runs on a
 * worker thread: it executes statements synchronously, and off the main thread they never stall the
 * event loop of the service that embeds it. PGlite is a single session; the wire server shares it
 * between connections one whole unit of work at a time, and gives an open transaction's connection
 * the session to itself until it ends (see SessionScheduler).
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
  const { worker, snapshot, snapshotRejected } = await startPgliteWorker({
    pglitePath: require.resolve('@electric-sql/pglite'),
    dataDir: o.dataDir,
    snapshot: cached,
    wantSnapshot: Boolean(cache),
  });
  if (snapshotRejected) log.warn({ file: cache?.file }, 'embedded postgres: cached initdb snapshot unusable; replaced');
  if (snapshot) await cache?.write(snapshot);
  else if (snapshotRejected) await cache?.discard();
  // Without a listener an 'error' from the thread would crash the embedding process.
  worker.on('error', (error) => log.error({ err: error.message }, 'embedded postgres failed'));

  const server = new WireServer({
    host,
    port: o.port ?? 0,
    maxConnections,
    executor: new PgliteWorkerExecutor(worker),
    logger: log,
  });
  let port: number;
  try {
    port = await server.listen();
  } catch (error) {
    await stopPgliteWorker(worker);
    throw error;
  }
  const url = `postgres://postgres@${clientHost(host)}:${port}/postgres?sslmode=disable`;
  log.info({ port, maxConnections, persistent: Boolean(o.dataDir) }, 'embedded postgres listening');

  let closing: Promise<void> | undefined;
  return {
    url,
    port,
    close() {
      // Closing twice (a test's afterAll and a signal handler, say) must not close the db twice.
      closing ??= (async () => {
        await server.close();
        await stopPgliteWorker(worker);
        log.info({ port }, 'embedded postgres stopped');
      })();
      return closing;
    },
  };
}

/** A wildcard listen address is not something a client can dial; point clients at loopback. */
export function clientHost(host: string): string {
  if (host === '0.0.0.0' || host === '') return '127.0.0.1';
  if (host === '::') return '[::1]';
  return host.includes(':') ? `[${host}]` : host;
}
