import { RegistryUnavailableError } from '../errors';
import type { ServiceRegistration } from '../types';
import type { Logger } from '@lab/common';
import { MemoryRegistry } from '../backends/memory-registry';
import { registerWithRetry } from './register-with-retry';

const registration: ServiceRegistration = { id: 'p1', name: 'product-service', address: '127.0.0.1', port: 3002 };

/** A memory registry that refuses the first `failures` registrations. */
class FlakyRegistry extends MemoryRegistry {
  attempts: number[] = [];
  constructor(private failures: number) {
    super();
  }
  override async register(r: ServiceRegistration): Promise<void> {
    this.attempts.push(Date.now());
    if (this.failures-- > 0)
      throw new RegistryUnavailableError('consul PUT /v1/agent/service/register failed: ECONNREFUSED');
    return super.register(r);
  }
}

function warnings() {
  const lines: Array<{ obj: Record<string, unknown>; msg?: string }> = [];
  const noop = () => undefined;
  const logger: Logger = {
    debug: noop,
    info: noop,
    error: noop,
    warn: (obj, msg) => void lines.push({ obj: obj as Record<string, unknown>, msg }),
  };
  return { logger, lines };
}

describe('registerWithRetry', () => {
  beforeEach(() => jest.useFakeTimers({ now: 0 }));
  afterEach(() => jest.useRealTimers());

  it('registers at once when the registry accepts', async () => {
    const registry = new FlakyRegistry(0);
    await registerWithRetry(registry, registration);
    expect(registry.attempts).toEqual([0]);
    expect((await registry.healthyInstances('product-service')).map((i) => i.id)).toEqual(['p1']);
  });

  it('retries with growing, capped delays until the registry accepts', async () => {
    const registry = new FlakyRegistry(5);
    const { logger, lines } = warnings();
    const done = registerWithRetry(registry, registration, { logger, maxDelayMs: 1000, random: () => 1 });
    await jest.advanceTimersByTimeAsync(10_000);
    await done;
    // 200, 400, 800, then capped at 1000.
    expect(registry.attempts).toEqual([0, 200, 600, 1400, 2400, 3400]);
    expect(lines).toHaveLength(5);
    expect(lines[0]).toEqual({
      msg: 'registration failed; retrying',
      obj: {
        service: 'product-service',
        id: 'p1',
        attempt: 1,
        retryInMs: 200,
        err: expect.stringContaining('ECONNREFUSED'),
      },
    });
    expect(JSON.stringify(lines)).not.toMatch(/\n\s+at /); // no stack traces
  });

  it('jitters each delay between half and all of its step', async () => {
    const registry = new FlakyRegistry(2);
    const done = registerWithRetry(registry, registration, { random: () => 0 });
    await jest.advanceTimersByTimeAsync(1000);
    await done;
    expect(registry.attempts).toEqual([0, 100, 300]);
  });

  it('stops when the signal aborts, rejecting with its reason', async () => {
    const registry = new FlakyRegistry(Number.POSITIVE_INFINITY);
    const controller = new AbortController();
    const done = registerWithRetry(registry, registration, { signal: controller.signal });
    const outcome = expect(done).rejects.toThrow('shutting down');
    await jest.advanceTimersByTimeAsync(1000);
    const attempts = registry.attempts.length;
    controller.abort(new Error('shutting down'));
    await outcome;
    await jest.advanceTimersByTimeAsync(60_000);
    expect(registry.attempts).toHaveLength(attempts);
  });
});
