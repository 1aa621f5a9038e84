import { eventLoopCheck } from './event-loop-check';
import { postgresCheck } from './postgres-check';
import { redisCheck } from './redis-check';

const signal = new AbortController().signal;

describe('postgresCheck', () => {
  it('is a critical check named postgres that runs SELECT 1', async () => {
    const query = jest.fn(async () => ({ rows: [{ '?column?': 1 }] }));
    const check = postgresCheck({ query });
    expect(check).toMatchObject({ name: 'postgres', critical: true });
    await check.run(signal);
    expect(query).toHaveBeenCalledWith('SELECT 1');
  });

  it('fails with the driver error and accepts another name, criticality and timing', async () => {
    const check = postgresCheck(
      { query: async () => Promise.reject(new Error('connection refused')) },
      { name: 'reporting-db', critical: false, intervalMs: 30_000, timeoutMs: 1000 },
    );
    expect(check).toMatchObject({ name: 'reporting-db', critical: false, intervalMs: 30_000, timeoutMs: 1000 });
    await expect(check.run(signal)).rejects.toThrow('connection refused');
  });
});

describe('redisCheck', () => {
  it('is a non-critical check named redis that pings', async () => {
    const ping = jest.fn(async () => 'PONG');
    const check = redisCheck({ ping });
    expect(check).toMatchObject({ name: 'redis', critical: false });
    await check.run(signal);
    expect(ping).toHaveBeenCalledTimes(1);
  });
});

describe('eventLoopCheck', () => {
  const block = (ms: number) => {
    const until = Date.now() + ms;
    while (Date.now() < until) {
      // busy: this is the stall the check must notice
    }
  };
  const tick = () => new Promise((resolve) => setTimeout(resolve, 30));

  it('is non-critical and passes while the loop is responsive', async () => {
    const check = eventLoopCheck({ maxDelayMs: 150 });
    expect(check).toMatchObject({ name: 'event-loop', critical: false });
    await tick();
    await expect(check.run(signal)).resolves.toMatchObject({ limitMs: 150 });
  });

  it('fails after a stall longer than maxDelayMs, then recovers once the window has passed', async () => {
    // Generous margins (300ms stall, 150ms limit) keep this steady on a loaded machine.
    const check = eventLoopCheck({ maxDelayMs: 150 });
    await tick();
    block(300);
    await tick(); // let the delayed sample be recorded
    await expect(check.run(signal)).rejects.toThrow(/event loop p99 delay \d+(\.\d)?ms exceeds 150ms/);

    await tick();
    const details = (await check.run(signal)) as { p99Ms: number };
    expect(details.p99Ms).toBeLessThan(150);
  });
});
