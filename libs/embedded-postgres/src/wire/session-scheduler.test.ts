import type { UnitExecutor } from './session-scheduler';
import { SessionScheduler } from './session-scheduler';

/**
 * Units are text here: "BEGIN" opens a transaction, "COMMIT"/"ROLLBACK" ends it, anything else runs
 * inside whatever is open. Each execution waits until the test lets it finish, so the test controls
 * exactly what is in the queue at each step.
 */
class ScriptedSession implements UnitExecutor {
  readonly log: string[] = [];
  private inTransaction = false;
  private finish: (() => void)[] = [];

  execute(unit: Uint8Array, onData: (chunk: Uint8Array) => void): Promise<{ inTransaction: boolean }> {
    const text = Buffer.from(unit).toString();
    this.log.push(text);
    return new Promise((resolve) => {
      this.finish.push(() => {
        for (const statement of text.split(';')) {
          if (statement === 'BEGIN') this.inTransaction = true;
          if (statement === 'COMMIT' || statement === 'ROLLBACK') this.inTransaction = false;
        }
        onData(Buffer.from(`ok:${text}`));
        resolve({ inTransaction: this.inTransaction });
      });
    });
  }

  /** Lets every running execution finish, and then whatever that started, until nothing runs. */
  async settle(): Promise<void> {
    for (let round = 0; round < 100; round++) {
      await new Promise((resolve) => setImmediate(resolve));
      const finish = this.finish;
      if (finish.length === 0) return;
      this.finish = [];
      finish.forEach((f) => f());
    }
  }

  get running(): number {
    return this.finish.length;
  }
}

const unit = (text: string): Uint8Array => Buffer.from(text);

describe('SessionScheduler', () => {
  let session: ScriptedSession;
  let scheduler: SessionScheduler;
  const run = (connection: number, text: string, keepsSession = false): Promise<void> =>
    scheduler.run(connection, unit(text), { keepsSession, onData: () => undefined });

  beforeEach(() => {
    session = new ScriptedSession();
    scheduler = new SessionScheduler(session);
  });

  it('runs one unit at a time, in arrival order, and streams each answer to its own connection', async () => {
    const answers: string[] = [];
    const done = [1, 2, 3].map((c) =>
      scheduler.run(c, unit(`q${c}`), {
        keepsSession: false,
        onData: (chunk) => answers.push(`${c}<-${Buffer.from(chunk)}`),
      }),
    );
    expect(session.running).toBe(1);
    await session.settle();
    await Promise.all(done);
    expect(session.log).toEqual(['q1', 'q2', 'q3']);
    expect(answers).toEqual(['1<-ok:q1', '2<-ok:q2', '3<-ok:q3']);
  });

  it('gives a connection with an open transaction the session until it commits', async () => {
    void run(1, 'BEGIN');
    void run(2, 'other-a');
    await session.settle(); // BEGIN ran; connection 1 now holds the session
    void run(2, 'other-b');
    void run(1, 'update');
    await session.settle();
    expect(session.log).toEqual(['BEGIN', 'update']); // connection 2 still waits
    void run(1, 'COMMIT');
    await session.settle();
    expect(session.log).toEqual(['BEGIN', 'update', 'COMMIT', 'other-a', 'other-b']);
  });

  it('keeps the session for a connection whose batch ended in Flush, until its next unit', async () => {
    void run(1, 'execute-page', true);
    await session.settle();
    void run(2, 'other');
    await session.settle();
    expect(session.log).toEqual(['execute-page']);
    void run(1, 'sync');
    await session.settle();
    expect(session.log).toEqual(['execute-page', 'sync', 'other']);
  });

  it('rolls back for a connection that left inside a transaction, before anyone else runs', async () => {
    void run(1, 'BEGIN');
    await session.settle();
    void run(2, 'other');
    const seen: unknown[] = [];
    const released = scheduler.release(1, (held) => {
      seen.push(held);
      return unit('ROLLBACK');
    });
    await session.settle();
    await released;
    expect(seen).toEqual([{ midBatch: false, inTransaction: true }]);
    expect(session.log).toEqual(['BEGIN', 'ROLLBACK', 'other']);
  });

  it('drops the queued units of a connection that left, and asks nothing of its clean-up when it held nothing', async () => {
    void run(1, 'first');
    const dropped = run(2, 'never');
    const held: unknown[] = [];
    const released = scheduler.release(2, (h) => {
      held.push(h);
      return undefined;
    });
    await session.settle();
    await Promise.all([dropped, released]);
    expect(session.log).toEqual(['first']);
    expect(held).toEqual([undefined]);
  });

  it('never leaves a departed connection holding the session, even if its clean-up failed to end the transaction', async () => {
    void run(1, 'BEGIN');
    await session.settle();
    void scheduler.release(1, () => unit('still-inside'));
    void run(2, 'other');
    await session.settle();
    expect(session.log).toEqual(['BEGIN', 'still-inside', 'other']);
  });

  it('rejects the unit and frees the session when the executor fails', async () => {
    const failing = new SessionScheduler({ execute: () => Promise.reject(new Error('database closed')) });
    await expect(failing.run(1, unit('x'), { keepsSession: true, onData: () => undefined })).rejects.toThrow(
      'database closed',
    );
    await expect(failing.run(2, unit('y'), { keepsSession: false, onData: () => undefined })).rejects.toThrow(
      'database closed',
    );
  });

  it('idle() resolves once the queue is empty', async () => {
    void run(1, 'a');
    void run(2, 'b');
    let idle = false;
    const waiting = scheduler.idle().then(() => (idle = true));
    await new Promise((resolve) => setImmediate(resolve));
    expect(idle).toBe(false);
    await session.settle();
    await waiting;
    expect(scheduler.queued).toBe(0);
  });
});
