import { runOpenLoop } from './open-loop';

describe('runOpenLoop', () => {
  it('keeps sending on schedule while answers are slow (open loop), and reports every answer', async () => {
    const dueTimes: number[] = [];
    const seconds: number[] = [];
    let inFlight = 0;
    let maxInFlight = 0;
    const samples = await runOpenLoop({
      rate: 100,
      durationMs: 500,
      async send(dueAt) {
        dueTimes.push(dueAt);
        inFlight++;
        maxInFlight = Math.max(maxInFlight, inFlight);
        await new Promise((r) => setTimeout(r, 200)); // a server slower than the gap between requests
        inFlight--;
        return { status: 200, latencyMs: performance.now() - dueAt };
      },
      onSecond: (_second, window) => seconds.push(window.length),
    });
    expect(samples).toHaveLength(50);
    // A closed loop of one would have had one request in flight; the schedule does not wait.
    expect(maxInFlight).toBeGreaterThanOrEqual(15);
    const gaps = dueTimes.slice(1).map((t, i) => t - dueTimes[i]);
    expect(gaps.every((g) => Math.abs(g - 10) < 0.001)).toBe(true);
    expect(seconds.reduce((a, b) => a + b, 0)).toBe(50);
  });
});
