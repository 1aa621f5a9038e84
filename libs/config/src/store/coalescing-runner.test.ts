import { CoalescingRunner } from './coalescing-runner';

describe('CoalescingRunner', () => {
  it('never runs twice at once and folds triggers that arrive meanwhile into one more run', async () => {
    const runs: string[][] = [];
    let active = 0;
    let maxActive = 0;
    const runner = new CoalescingRunner<string>(async (reasons) => {
      active++;
      maxActive = Math.max(maxActive, active);
      runs.push([...reasons]);
      await new Promise((resolve) => setTimeout(resolve, 10));
      active--;
    }, fail);
    runner.trigger('a');
    for (let i = 0; i < 20; i++) runner.trigger(i % 2 ? 'kv' : 'file');
    await runner.idle();
    expect(maxActive).toBe(1);
    expect(runs).toEqual([['a'], ['file', 'kv']]);
  });

  it('runs for a trigger that arrives just as a run ends, however the microtasks fall', async () => {
    // A trigger landing between the last loop check and the end of the run must start a new run.
    for (let ticks = 0; ticks < 8; ticks++) {
      const runs: string[][] = [];
      const runner = new CoalescingRunner<string>(async (reasons) => void runs.push([...reasons]), fail);
      runner.trigger('first');
      for (let i = 0; i < ticks; i++) await Promise.resolve();
      runner.trigger('second');
      await runner.idle();
      expect({ ticks, runs: runs.flat() }).toEqual({ ticks, runs: expect.arrayContaining(['second']) });
    }
  });

  it('reports a failed run and keeps going', async () => {
    const errors: unknown[] = [];
    let calls = 0;
    const runner = new CoalescingRunner<string>(
      async () => {
        calls++;
        if (calls === 1) throw new Error('boom');
      },
      (e) => errors.push(e),
    );
    runner.trigger('x');
    await runner.idle();
    runner.trigger('y');
    await runner.idle();
    expect(calls).toBe(2);
    expect(errors).toEqual([new Error('boom')]);
  });
});

function fail(error: unknown): never {
  throw error;
}
