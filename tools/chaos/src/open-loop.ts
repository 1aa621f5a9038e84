import type { LoadSample } from './load-stats';

export interface OpenLoopOptions {
  rate: number;
  durationMs: number;
  /** Sends one request; resolves with its sample (never rejects). `dueAt` is when it was due (performance.now()). */
  send(dueAt: number): Promise<LoadSample>;
  /** Called once a second with the samples that arrived in it, and at the end with what is left. */
  onSecond(second: number, samples: LoadSample[]): void;
  now?: () => number;
}

/**
 * Sends `rate` requests a second for `durationMs` on a fixed schedule, whether or not earlier ones
 * have been answered (an open loop, as real users arrive), and waits for the last answers.
 * Resolves with every sample.
 */
export async function runOpenLoop(o: OpenLoopOptions): Promise<LoadSample[]> {
  const now = o.now ?? (() => performance.now());
  const total = Math.max(1, Math.round((o.rate * o.durationMs) / 1000));
  const gapMs = 1000 / o.rate;
  const start = now();
  const all: LoadSample[] = [];
  let window: LoadSample[] = [];
  let second = 0;
  const inFlight = new Set<Promise<void>>();
  let sent = 0;

  const flushSecond = () => {
    second++;
    o.onSecond(second, window);
    window = [];
  };
  const secondTimer = setInterval(flushSecond, 1000);
  await new Promise<void>((resolve) => {
    const tick = () => {
      const due = Math.min(total, Math.floor((now() - start) / gapMs) + 1);
      while (sent < due) {
        const dueAt = start + sent * gapMs;
        sent++;
        const request = o.send(dueAt).then((sample) => {
          all.push(sample);
          window.push(sample);
          inFlight.delete(request);
        });
        inFlight.add(request);
      }
      if (sent >= total) {
        clearInterval(ticker);
        resolve();
      }
    };
    const ticker = setInterval(tick, Math.max(1, Math.min(10, gapMs / 2)));
    tick();
  });
  await Promise.all(inFlight);
  clearInterval(secondTimer);
  if (window.length > 0) flushSecond();
  return all;
}
