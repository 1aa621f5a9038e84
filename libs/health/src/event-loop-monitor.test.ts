import { silentLogger } from '@lab/common';
import { EventLoopMonitor } from './event-loop-monitor';

/** The one test on the real loop: a real busy-wait must register as a stall. */
describe('EventLoopMonitor on the real event loop', () => {
  const block = (ms: number) => {
    const until = Date.now() + ms;
    while (Date.now() < until) {
      // busy: nothing else runs, which is exactly a stall
    }
  };
  const wait = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

  it('notices a blocked loop, reports delay numbers, and forgets the stall after the window', async () => {
    // Margins are wide (400ms block against a 150ms threshold) so a loaded machine stays green.
    const monitor = new EventLoopMonitor({
      stallThresholdMs: 150,
      stallWindowMs: 600,
      sampleIntervalMs: 20,
      now: () => performance.now(),
      logger: silentLogger,
    });
    monitor.start();
    try {
      await wait(60);
      expect(monitor.stalledRecently()).toBe(false);

      block(400);
      await wait(40); // the late tick runs once the loop is free
      const snapshot = monitor.snapshot();
      // At least this one: on a loaded machine the process may also be descheduled for a while.
      expect(snapshot.stalled).toBe(true);
      expect(snapshot.stalls).toBeGreaterThanOrEqual(1);
      // The tick was due at most one sample interval (20ms) into the block.
      expect(snapshot.lastStall?.durationMs).toBeGreaterThanOrEqual(380);
      // The delay histogram samples on its own timer, which a loaded machine may run late: it must
      // report, but its maximum need not have caught this block yet.
      expect(snapshot.delay?.maxMs).toBeGreaterThan(0);

      await wait(650);
      expect(monitor.stalledRecently()).toBe(false);
    } finally {
      monitor.stop();
    }
  });
});
