import { silentLogger } from '@lab/common';
import type { ServiceInstance } from '../types';
import { instanceDelivery } from '../internal/watch-delivery';
import type { BlockingPage, ConsulWatchOptions } from './consul-watch';
import { ConsulBlockingWatch } from './consul-watch';

type HealthPage = BlockingPage<ServiceInstance[]>;

const instance = (id: string, port = 3000): ServiceInstance => ({
  id,
  name: 'svc',
  address: '127.0.0.1',
  port,
  tags: [],
  meta: {},
});

/**
 * A scripted registry: each fetch takes the next scripted step. A step answers a page, fails, or
 * hangs until the watch aborts it (a blocking query with nothing to report).
 */
function scriptedFetch(steps: Array<HealthPage | Error | 'hang'>) {
  const indexes: number[] = [];
  const fetchPage = (index: number, signal: AbortSignal): Promise<HealthPage> => {
    indexes.push(index);
    const step = steps.shift() ?? 'hang';
    if (step === 'hang') {
      return new Promise((_resolve, reject) =>
        signal.addEventListener('abort', () => reject(signal.reason), { once: true }),
      );
    }
    return step instanceof Error ? Promise.reject(step) : Promise.resolve(step);
  };
  return { fetchPage, indexes };
}

type InstanceWatchOptions = ConsulWatchOptions<ServiceInstance[]>;

function startWatch(fetchPage: InstanceWatchOptions['fetchPage'], overrides: Partial<InstanceWatchOptions> = {}) {
  const changes: string[][] = [];
  const errors: string[] = [];
  const listener = {
    onChange: (list: ServiceInstance[]) => changes.push(list.map((i) => i.id)),
    onError: (e: Error) => errors.push(e.message),
  };
  const watch = new ConsulBlockingWatch({
    context: { service: 'svc' },
    fetchPage,
    delivery: instanceDelivery(listener, 'svc', silentLogger),
    backoff: { baseDelayMs: 100, maxDelayMs: 1000, jitter: 'equal' },
    rateLimit: { burst: 2, refillMs: 1000 },
    logger: silentLogger,
    ...overrides,
  }).start();
  return { watch, changes, errors };
}

describe('ConsulBlockingWatch over instances', () => {
  beforeEach(() => jest.useFakeTimers());
  afterEach(() => jest.useRealTimers());

  it('delivers the first answer, then only answers that change the set', async () => {
    const { fetchPage } = scriptedFetch([
      { value: [instance('a')], index: 10 },
      { value: [instance('a')], index: 11 }, // woke up, nothing relevant changed
      { value: [instance('a'), instance('b')], index: 12 },
      { value: [instance('a', 4000), instance('b')], index: 13 }, // same ids, new port
    ]);
    const { watch, changes } = startWatch(fetchPage, { rateLimit: { burst: 10, refillMs: 1000 } });
    await jest.advanceTimersByTimeAsync(0);
    expect(changes).toEqual([['a'], ['a', 'b'], ['a', 'b']]);
    watch.close();
  });

  it('follows the returned index, resets it when it goes backwards, and never blocks on 0', async () => {
    const { fetchPage, indexes } = scriptedFetch([
      { value: [], index: 50 },
      { value: [], index: 20 }, // went backwards
      { value: [], index: 0 }, // a buggy 0
      { value: [], index: 30 },
    ]);
    const { watch } = startWatch(fetchPage, { rateLimit: { burst: 10, refillMs: 1000 } });
    await jest.advanceTimersByTimeAsync(0);
    expect(indexes).toEqual([0, 50, 0, 1, 30]);
    watch.close();
  });

  it('starts over at index 0 when a connection to the agent broke meanwhile, though its own reads did not fail', async () => {
    // The agent restarted empty while this loop was paced: its index 50 means nothing to the new agent.
    let lost = 0;
    const { fetchPage, indexes } = scriptedFetch([
      { value: [instance('a')], index: 50 },
      { value: [instance('a')], index: 51 },
      { value: [], index: 3 },
      { value: [], index: 4 },
    ]);
    const counting: typeof fetchPage = (index, signal) => {
      if (indexes.length === 1) lost = 1; // broke while the second read was out
      return fetchPage(index, signal);
    };
    const { watch, changes } = startWatch(counting, {
      rateLimit: { burst: 10, refillMs: 1000 },
      connectionsLost: () => lost,
    });
    await jest.advanceTimersByTimeAsync(0);
    expect(indexes).toEqual([0, 50, 0, 3, 4]);
    expect(changes).toEqual([['a'], []]);
    watch.close();
  });

  it('paces a registry that answers at once every time instead of spinning', async () => {
    let calls = 0;
    const fetchPage = async (): Promise<HealthPage> => {
      calls++;
      return { value: [instance('a')], index: 7 };
    };
    const { watch, changes } = startWatch(fetchPage);
    await jest.advanceTimersByTimeAsync(10_000);
    // A burst of 2, then one request per second.
    expect(calls).toBe(12);
    expect(changes).toEqual([['a']]);
    watch.close();
  });

  it('reports errors, backs off, restarts at index 0 and delivers again when the registry is back', async () => {
    const { fetchPage, indexes } = scriptedFetch([
      { value: [instance('a')], index: 9 },
      new Error('connect ECONNREFUSED'),
      new Error('connect ECONNREFUSED'),
      { value: [instance('a')], index: 3 },
    ]);
    const { watch, changes, errors } = startWatch(fetchPage, { rateLimit: { burst: 10, refillMs: 1 } });
    await jest.advanceTimersByTimeAsync(0);
    expect(errors).toEqual(['connect ECONNREFUSED']);
    expect(indexes).toEqual([0, 9]);

    await jest.advanceTimersByTimeAsync(100); // first backoff is 50..100ms
    expect(errors).toHaveLength(2);
    expect(indexes).toEqual([0, 9, 0]);

    await jest.advanceTimersByTimeAsync(200); // second backoff is 100..200ms
    expect(indexes).toEqual([0, 9, 0, 0, 3]);
    // The set is unchanged, but the listener hears that the registry answers again.
    expect(changes).toEqual([['a'], ['a']]);
    watch.close();
  });

  it('close aborts the request in flight and stops the loop without reporting an error', async () => {
    let signal: AbortSignal | undefined;
    let calls = 0;
    const { fetchPage } = scriptedFetch([{ value: [], index: 4 }]);
    const { watch, errors } = startWatch((index, s) => {
      calls++;
      signal = s;
      return fetchPage(index, s);
    });
    await jest.advanceTimersByTimeAsync(0);
    expect(calls).toBe(2); // the second one is blocking
    watch.close();
    expect(signal?.aborted).toBe(true);
    await jest.advanceTimersByTimeAsync(60_000);
    expect(calls).toBe(2);
    expect(errors).toEqual([]);
  });

  it('survives a listener that throws', async () => {
    const { fetchPage } = scriptedFetch([
      { value: [instance('a')], index: 1 },
      { value: [instance('b')], index: 2 },
    ]);
    const seen: string[] = [];
    const listener = {
      onChange: (list: ServiceInstance[]) => {
        seen.push(list[0].id);
        throw new Error('listener bug');
      },
    };
    const watch = new ConsulBlockingWatch({
      context: { service: 'svc' },
      fetchPage,
      delivery: instanceDelivery(listener, 'svc', silentLogger),
      backoff: { baseDelayMs: 1, maxDelayMs: 1 },
      rateLimit: { burst: 5, refillMs: 1 },
      logger: silentLogger,
    }).start();
    await jest.advanceTimersByTimeAsync(0);
    expect(seen).toEqual(['a', 'b']);
    watch.close();
  });
});
