import { Worker } from 'node:worker_threads';
import type { UnitExecutor } from './wire/session-scheduler';

/** What the parent asks of the worker. */
export interface PgliteWorkerConfig {
  pglitePath: string;
  dataDir?: string;
  /** A tarball of a freshly initialised data directory to start from instead of running initdb. */
  snapshot?: ArrayBuffer;
  /** Send back such a tarball after initdb (when there was no usable snapshot). */
  wantSnapshot: boolean;
}

export type PgliteWorkerMessage =
  | { type: 'ready'; snapshot?: ArrayBuffer; snapshotRejected: boolean }
  | { type: 'output'; id: number; chunk: ArrayBuffer }
  | { type: 'executed'; id: number; inTransaction: boolean }
  | { type: 'execute-failed'; id: number; message: string }
  | { type: 'closed' }
  | { type: 'error'; message: string; code?: string };

// The worker owns PGlite and runs the units of protocol messages the parent's wire server sends it,
// one at a time, streaming the backend's bytes back. It is plain CommonJS so that it runs the same
// way from dist/ and from TypeScript sources under Jest. It loads PGlite with Node's own require:
// inside a Jest sandbox PGlite's dynamic import() calls fail without --experimental-vm-modules, and a
// worker thread is outside that sandbox.
const workerSource = `
const { parentPort, workerData: c } = require('node:worker_threads');
const { PGlite } = require(c.pglitePath);
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
  const execute = async ({ id, unit }) => {
    try {
      await db.runExclusive(() => db.execProtocolRawStream(new Uint8Array(unit), {
        onRawData: (data) => {
          // data is a view into PGlite's memory: copy it before handing it over.
          const chunk = data.slice().buffer;
          parentPort.postMessage({ type: 'output', id, chunk }, [chunk]);
        },
      }));
      parentPort.postMessage({ type: 'executed', id, inTransaction: db.isInTransaction() });
    } catch (e) {
      parentPort.postMessage({ type: 'execute-failed', id, message: String(e && e.message || e) });
    }
  };
  let work = Promise.resolve();
  parentPort.on('message', async (m) => {
    if (m.type === 'execute') {
      work = work.then(() => execute(m));
      return;
    }
    if (m.type !== 'close') return;
    try {
      await work;
      await db.close();
      parentPort.postMessage({ type: 'closed' });
    } catch (e) {
      fail(e);
    }
    parentPort.close();
  });
  parentPort.postMessage({ type: 'ready', snapshot, snapshotRejected }, snapshot ? [snapshot] : []);
})().catch((e) => { fail(e); parentPort.close(); });
`;

/** Starts PGlite on a worker thread; resolves once it is ready to execute. */
export function startPgliteWorker(
  config: PgliteWorkerConfig,
): Promise<{ worker: Worker; snapshot?: ArrayBuffer; snapshotRejected: boolean }> {
  const worker = new Worker(workerSource, {
    eval: true,
    workerData: config,
    transferList: config.snapshot ? [config.snapshot] : [],
  });
  return new Promise((resolve, reject) => {
    const onMessage = (m: PgliteWorkerMessage): void => {
      cleanup();
      if (m.type === 'ready') resolve({ worker, snapshot: m.snapshot, snapshotRejected: m.snapshotRejected });
      else if (m.type === 'error') reject(workerError(m));
    };
    const onError = (error: Error): void => {
      cleanup();
      reject(error);
    };
    const onExit = (code: number): void => {
      cleanup();
      reject(new Error(`embedded postgres worker exited with code ${code} before it was ready`));
    };
    const cleanup = (): void => {
      worker.off('message', onMessage).off('error', onError).off('exit', onExit);
    };
    worker.on('message', onMessage).on('error', onError).on('exit', onExit);
  });
}

/** Asks the worker to close the database once its queued units ran, then waits for the thread to end. */
export function stopPgliteWorker(worker: Worker): Promise<void> {
  return new Promise((resolve, reject) => {
    let failure: Error | undefined;
    worker.on('message', (m: PgliteWorkerMessage) => {
      if (m.type === 'error') failure = workerError(m);
    });
    worker.once('error', (error) => (failure = error));
    worker.once('exit', () => (failure ? reject(failure) : resolve()));
    worker.postMessage({ type: 'close' });
  });
}

function workerError(m: { message: string; code?: string }): Error {
  return Object.assign(new Error(m.message), m.code ? { code: m.code } : {});
}

/** Sends units to the worker's PGlite; the wire server's scheduler makes sure one runs at a time. */
export class PgliteWorkerExecutor implements UnitExecutor {
  private nextId = 1;
  private readonly pending = new Map<
    number,
    { onData(chunk: Uint8Array): void; resolve(r: { inTransaction: boolean }): void; reject(e: Error): void }
  >();

  constructor(private readonly worker: Worker) {
    worker.on('message', (m: PgliteWorkerMessage) => this.receive(m));
    worker.on('exit', () => this.failAll(new Error('the database thread has stopped')));
  }

  execute(unit: Uint8Array, onData: (chunk: Uint8Array) => void): Promise<{ inTransaction: boolean }> {
    const id = this.nextId++;
    // An exact copy that can be moved, not cloned: unit may be a view into a larger (pooled) buffer.
    const copy = new Uint8Array(unit.byteLength);
    copy.set(unit);
    return new Promise((resolve, reject) => {
      this.pending.set(id, { onData, resolve, reject });
      this.worker.postMessage({ type: 'execute', id, unit: copy.buffer }, [copy.buffer]);
    });
  }

  private receive(m: PgliteWorkerMessage): void {
    if (m.type !== 'output' && m.type !== 'executed' && m.type !== 'execute-failed') return;
    const pending = this.pending.get(m.id);
    if (!pending) return;
    if (m.type === 'output') return pending.onData(new Uint8Array(m.chunk));
    this.pending.delete(m.id);
    if (m.type === 'executed') pending.resolve({ inTransaction: m.inTransaction });
    else pending.reject(new Error(m.message));
  }

  private failAll(error: Error): void {
    for (const pending of this.pending.values()) pending.reject(error);
    this.pending.clear();
  }
}
