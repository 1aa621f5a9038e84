import express from 'express';
import type { AddressInfo } from 'node:net';

import { createFaultInjector, decideFault, faultInjectionSchema, isFaultActive } from './fault-injection';

/** A fixed sequence of "random" numbers, so each draw is known. */
const draws = (...values: number[]) => {
  let i = 0;
  return () => values[i++ % values.length];
};

describe('decideFault (Istio HTTPFaultInjection semantics)', () => {
  it('draws the delay and the abort independently, each against its own percentage', () => {
    const fault = faultInjectionSchema.parse({
      delay: { percentage: 50, fixedDelayMs: 200 },
      abort: { percentage: 10, httpStatus: 503 },
    });
    expect(decideFault(fault, draws(0.49, 0.09))).toEqual({ delayMs: 200, abortStatus: 503 });
    expect(decideFault(fault, draws(0.5, 0.09))).toEqual({ delayMs: 0, abortStatus: 503 });
    expect(decideFault(fault, draws(0.1, 0.1))).toEqual({ delayMs: 200 });
  });

  it('faults every request when the percentage is left out, as Istio does, and none at 0', () => {
    const all = faultInjectionSchema.parse({ abort: { httpStatus: 500 } });
    expect(decideFault(all, () => 0.999)).toEqual({ delayMs: 0, abortStatus: 500 });
    const none = faultInjectionSchema.parse({ abort: { percentage: 0, httpStatus: 500 } });
    expect(decideFault(none, () => 0)).toEqual({ delayMs: 0 });
    expect(isFaultActive(none)).toBe(false);
    expect(isFaultActive(faultInjectionSchema.parse({}))).toBe(false);
  });

  it('hits close to the percentage over many requests', () => {
    const fault = faultInjectionSchema.parse({ abort: { percentage: 25, httpStatus: 503 } });
    let seed = 7;
    const lcg = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
    const aborted = Array.from({ length: 10_000 }, () => decideFault(fault, lcg)).filter((d) => d.abortStatus).length;
    expect(aborted / 10_000).toBeGreaterThan(0.23);
    expect(aborted / 10_000).toBeLessThan(0.27);
  });

  it.each([
    [{ abort: { percentage: 101, httpStatus: 503 } }, 'abort.percentage'],
    [{ abort: { percentage: 50 } }, 'abort.httpStatus'],
    [{ abort: { httpStatus: 200 } }, 'abort.httpStatus'],
    [{ abort: { httpStatus: 503.5 } }, 'abort.httpStatus'],
    [{ delay: { fixedDelayMs: 0 } }, 'delay.fixedDelayMs'],
    [{ delay: { fixedDelayMs: 61_000 } }, 'delay.fixedDelayMs'],
    [{ delay: { percentage: -1, fixedDelayMs: 10 } }, 'delay.percentage'],
    [{ delay: { fixedDelay: '1s' } }, 'delay'],
    [{ abrot: { httpStatus: 503 } }, ''],
  ])('refuses %j, naming %s', (value, field) => {
    const parsed = faultInjectionSchema.safeParse(value);
    expect(parsed.success).toBe(false);
    expect(parsed.error?.issues.map((i) => i.path.join('.'))).toContain(field);
  });
});

describe('the fault injection middleware', () => {
  async function serve(random: () => number) {
    const faults = createFaultInjector({ random, onFault: (kind) => seen.push(kind) });
    const seen: string[] = [];
    const app = express();
    app.use(faults.middleware);
    app.get('/work', (_req, res) => void res.json({ handled: true }));
    const server = await new Promise<ReturnType<typeof app.listen>>((resolve) => {
      const s = app.listen(0, '127.0.0.1', () => resolve(s));
    });
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/work`;
    return { faults, seen, url, close: () => new Promise((r) => server.close(r)) };
  }

  it('lets every request through while off, then aborts and delays as the setting says, then stops', async () => {
    const s = await serve(() => 0);
    try {
      expect((await fetch(s.url)).status).toBe(200);

      s.faults.update(faultInjectionSchema.parse({ abort: { httpStatus: 503 } }));
      const aborted = await fetch(s.url);
      expect(aborted.status).toBe(503);
      expect(aborted.headers.get('content-type')).toContain('application/problem+json');
      expect(aborted.headers.get('x-fault-injected')).toBe('abort');
      expect(await aborted.json()).toMatchObject({ status: 503, title: 'Service Unavailable' });

      s.faults.update(faultInjectionSchema.parse({ delay: { fixedDelayMs: 150 } }));
      const started = Date.now();
      const delayed = await fetch(s.url);
      expect(Date.now() - started).toBeGreaterThanOrEqual(140);
      expect(await delayed.json()).toEqual({ handled: true });
      expect(delayed.headers.get('x-fault-delay-ms')).toBe('150');

      s.faults.update(undefined);
      expect((await fetch(s.url)).status).toBe(200);
      expect(s.seen).toEqual(['abort', 'delay']);
    } finally {
      await s.close();
    }
  });
});
