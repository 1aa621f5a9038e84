/** Runs one unit of protocol messages against the database session; streams the backend's bytes. */
export interface UnitExecutor {
  execute(unit: Uint8Array, onData: (chunk: Uint8Array) => void): Promise<{ inTransaction: boolean }>;
}

/** Why a connection held the session when it went away. */
export interface HeldSession {
  /** Its last unit ended in Flush: an extended-protocol batch is waiting for its Sync. */
  midBatch: boolean;
  /** A transaction block (BEGIN ...) is open. */
  inTransaction: boolean;
}

/** Builds a departed connection's clean-up unit once it is its turn; undefined when there is nothing to do. */
export type CleanupUnit = (held: HeldSession | undefined) => Uint8Array | undefined;

interface QueuedUnit {
  connection: number;
  unit: Uint8Array | CleanupUnit;
  /** The unit leaves the session mid-batch (it ended in Flush), so nobody else may run until its Sync. */
  keepsSession: boolean;
  onData: (chunk: Uint8Array) => void;
  resolve(): void;
  reject(error: unknown): void;
}

const discard = (): void => undefined;

/**
 * Shares one database session (PGlite is a single Postgres backend) between many connections, the
 * way a real server's separate backends would look to them:
 * - a unit (a connection's messages up to Sync, or one simple Query) runs whole, never interleaved
 *   with another connection's messages;
 * - while a connection holds the session — a transaction is open, or an extended-protocol batch is
 *   waiting for its Sync — only that connection's units run, and the others queue in arrival order.
 * Transactions therefore run one at a time: row locks (SELECT ... FOR UPDATE) never contend, and
 * serialisation failures cannot happen. A connection that idles inside a transaction stalls all
 * the others until it finishes or disconnects.
 */
export class SessionScheduler {
  private readonly queue: QueuedUnit[] = [];
  private holder: number | undefined;
  private held: HeldSession = { midBatch: false, inTransaction: false };
  private running = false;
  private idleWaiters: (() => void)[] = [];

  constructor(private readonly executor: UnitExecutor) {}

  /** Queues a connection's unit; resolves once the backend's whole answer went to onData. */
  run(
    connection: number,
    unit: Uint8Array,
    o: { keepsSession: boolean; onData: (chunk: Uint8Array) => void },
  ): Promise<void> {
    return new Promise((resolve, reject) => {
      this.queue.push({ connection, unit, keepsSession: o.keepsSession, onData: o.onData, resolve, reject });
      this.pump();
    });
  }

  /**
   * The connection went away: its queued units are dropped, and `cleanup` runs in its name once its
   * turn comes — straight away if it holds the session, since nobody else may run before it.
   */
  release(connection: number, cleanup: CleanupUnit): Promise<void> {
    for (let i = this.queue.length - 1; i >= 0; i--) {
      const queued = this.queue[i];
      if (queued.connection !== connection) continue;
      this.queue.splice(i, 1);
      queued.resolve();
    }
    return new Promise((resolve, reject) => {
      this.queue.push({ connection, unit: cleanup, keepsSession: false, onData: discard, resolve, reject });
      this.pump();
    });
  }

  /** Resolves when nothing runs and nothing is queued. */
  idle(): Promise<void> {
    if (!this.running && this.queue.length === 0) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  get queued(): number {
    return this.queue.length;
  }

  private pump(): void {
    if (this.running) return;
    const index = this.holder === undefined ? 0 : this.queue.findIndex((u) => u.connection === this.holder);
    if (index < 0 || index >= this.queue.length) {
      // Either nothing to do, or the holder has not sent its next unit yet: everyone else waits.
      if (this.queue.length === 0) this.notifyIdle();
      return;
    }
    const [next] = this.queue.splice(index, 1);
    this.running = true;
    void this.execute(next).finally(() => {
      this.running = false;
      this.pump();
    });
  }

  private async execute(next: QueuedUnit): Promise<void> {
    const isCleanup = typeof next.unit === 'function';
    const unit = isCleanup
      ? (next.unit as CleanupUnit)(this.holder === next.connection ? this.held : undefined)
      : (next.unit as Uint8Array);
    try {
      if (unit) {
        const { inTransaction } = await this.executor.execute(unit, next.onData);
        // A clean-up never leaves its (departed) connection holding the session, whatever happened.
        const holds = !isCleanup && (inTransaction || next.keepsSession);
        this.holder = holds ? next.connection : undefined;
        this.held = { midBatch: next.keepsSession, inTransaction };
      } else if (this.holder === next.connection) {
        this.holder = undefined;
      }
      next.resolve();
    } catch (error) {
      // The executor itself failed (the database closed or crashed): the session's state is unknown.
      this.holder = undefined;
      next.reject(error);
    }
  }

  private notifyIdle(): void {
    const waiters = this.idleWaiters;
    this.idleWaiters = [];
    for (const resolve of waiters) resolve();
  }
}
