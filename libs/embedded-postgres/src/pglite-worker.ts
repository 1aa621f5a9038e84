import { Worker } from 'node:worker_threads';

/** What the parent asks of the worker. */
export interface PgliteWorkerConfig {
  pglitePath: string;
  socketPath: string;
  dataDir?: string;
  /** A tarball of a freshly initialised data directory to start from instead of running initdb. */
  snapshot?: ArrayBuffer;
  /** Send back such a tarball after initdb (when there was no usable snapshot). */
  wantSnapshot: boolean;
  host: string;
  port: number;
  maxConnections: number;
}

export type PgliteWorkerMessage =
  | { type: 'listening'; conn: string; snapshot?: ArrayBuffer; snapshotRejected: boolean }
  | { type: 'closed' }
  | { type: 'error'; message: string; code?: string };

// The worker is plain CommonJS so that it runs the same way from dist/ and from TypeScript sources
// under Jest. It loads PGlite with Node's own require: inside a Jest sandbox PGlite's dynamic import()
// calls fail without --experimental-vm-modules, and a worker thread is outside that sandbox.
const workerSource = `
const { parentPort, workerData: c } = require('node:worker_threads');
const { PGlite } = require(c.pglitePath);
const { PGLiteSocketServer } = require(c.socketPath);
const fail = (e) => parentPort.postMessage({ type: 'error', message: String(e && e.message || e), code: e && e.code });
(async () => {
  let db;
  let snapshot;
  let snapshotRejected = false;
  if (c.snapshot) {
    try {
      db = await PGlite.create({ loadDataDir: new Blob([c.snapshot]) });
    } catch {
      snapshotRejected = true;
    }
  }
  if (!db) {
    db = await PGlite.create(c.dataDir ? { dataDir: c.dataDir } : {});
    // Taken before any client connects, so it holds exactly what initdb produced.
    if (c.wantSnapshot) snapshot = await (await db.dumpDataDir('none')).arrayBuffer();
  }
  const server = new PGLiteSocketServer({ db, host: c.host, port: c.port, maxConnections: c.maxConnections });
  try {
    await server.start();
  } catch (e) {
    await db.close();
    throw e;
  }
  parentPort.on('message', async (m) => {
    if (m !== 'close') return;
    try {
      await server.stop();
      await db.close();
      parentPort.postMessage({ type: 'closed' });
    } catch (e) {
      fail(e);
    }
    parentPort.close();
  });
  parentPort.postMessage({ type: 'listening', conn: server.getServerConn(), snapshot, snapshotRejected }, snapshot ? [snapshot] : []);
})().catch((e) => { fail(e); parentPort.close(); });
`;

/** Starts PGlite and its socket server on a worker thread; resolves once it listens. */
export function startPgliteWorker(
  config: PgliteWorkerConfig,
): Promise<{ worker: Worker; conn: string; snapshot?: ArrayBuffer; snapshotRejected: boolean }> {
  const worker = new Worker(workerSource, {
    eval: true,
    workerData: config,
    transferList: config.snapshot ? [config.snapshot] : [],
  });
  return new Promise((resolve, reject) => {
    const onMessage = (m: PgliteWorkerMessage): void => {
      cleanup();
      if (m.type === 'listening') resolve({ worker, ...m });
      else if (m.type === 'error') reject(workerError(m));
    };
    const onError = (error: Error): void => {
      cleanup();
      reject(error);
    };
    const onExit = (code: number): void => {
      cleanup();
      reject(new Error(`embedded postgres worker exited with code ${code} before listening`));
    };
    const cleanup = (): void => {
      worker.off('message', onMessage).off('error', onError).off('exit', onExit);
    };
    worker.on('message', onMessage).on('error', onError).on('exit', onExit);
  });
}

/** Asks the worker to stop the server and the database, then waits for the thread to end. */
export function stopPgliteWorker(worker: Worker): Promise<void> {
  return new Promise((resolve, reject) => {
    let failure: Error | undefined;
    worker.on('message', (m: PgliteWorkerMessage) => {
      if (m.type === 'error') failure = workerError(m);
    });
    worker.once('error', (error) => (failure = error));
    worker.once('exit', () => (failure ? reject(failure) : resolve()));
    worker.postMessage('close');
  });
}

function workerError(m: { message: string; code?: string }): Error {
  return Object.assign(new Error(m.message), m.code ? { code: m.code } : {});
}
