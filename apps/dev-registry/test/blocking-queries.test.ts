// Blocking-query semantics over raw HTTP: index, wait, early return, headers.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { DevRegistry } from '../src/index';
import { silentLogger } from '@lab/common';
import { createRegistryCore } from '../src/registry';
import { call, put, startTestRegistry, type HealthEntry } from './helpers';
import { waitFor } from '@lab/common';

describe('blocking queries', () => {
  let registry: DevRegistry;
  let base: string;

  beforeAll(async () => {
    registry = await startTestRegistry();
    base = registry.url;
    await put(base, '/v1/agent/service/register', { Name: 'api', ID: 'api-1', Port: 7000, Check: { TTL: '30s' } });
    await put(base, '/v1/kv/settings/mode', 'a');
  });
  afterAll(() => registry.close());

  /** Starts a read and measures how long it took to answer. */
  const timed = async (path: string) => {
    const started = performance.now();
    const response = await call(base, path);
    return { response, ms: performance.now() - started };
  };

  it('answers at once without an index, with the query headers on every read', async () => {
    for (const path of [
      '/v1/health/service/api',
      '/v1/catalog/services',
      '/v1/catalog/service/api',
      '/v1/kv/settings/mode',
      '/v1/kv/missing',
    ]) {
      const { response, ms } = await timed(path);
      expect(ms).toBeLessThan(1_000); // far below the 5-minute default wait
      expect(response.index).toBeGreaterThan(0);
      expect(response.headers.get('x-consul-knownleader')).toBe('true');
      expect(response.headers.get('x-consul-lastcontact')).toBe('0');
    }
  });

  it('holds a health read at the current index until a check changes, then returns early with a larger index', async () => {
    const first = await call(base, '/v1/health/service/api?passing');
    expect(first.json<HealthEntry[]>()).toEqual([]);

    const blocked = timed(`/v1/health/service/api?passing&index=${first.index}&wait=10s`);
    await new Promise((r) => setTimeout(r, 100));
    await put(base, '/v1/agent/check/pass/service:api-1');
    const { response, ms } = await blocked;

    expect(ms).toBeGreaterThanOrEqual(90);
    expect(ms).toBeLessThan(2_000);
    expect(response.index).toBeGreaterThan(first.index);
    expect(response.json<HealthEntry[]>().map((e) => e.Service.ID)).toEqual(['api-1']);
  });

  it('returns after `wait` with the same index when nothing changed', async () => {
    const first = await call(base, '/v1/health/service/api');
    const { response, ms } = await timed(`/v1/health/service/api?index=${first.index}&wait=300ms`);
    expect(ms).toBeGreaterThanOrEqual(290);
    // wait plus at most wait/16 of jitter, plus slack for a loaded machine.
    expect(ms).toBeLessThan(2_000);
    expect(response.index).toBe(first.index);
    expect(response.status).toBe(200);
  });

  it('does not wake a health watcher for writes elsewhere, nor for output-only check updates', async () => {
    const first = await call(base, '/v1/health/service/api');
    const blocked = timed(`/v1/health/service/api?index=${first.index}&wait=400ms`);
    await put(base, '/v1/kv/unrelated', 'x');
    await put(base, '/v1/agent/service/register', { Name: 'other', Check: { TTL: '30s' } });
    // Same status, new output: Consul defers such updates, so no wake-up.
    await put(base, '/v1/agent/check/pass/service:api-1?note=still-fine');
    const { response, ms } = await blocked;
    expect(ms).toBeGreaterThanOrEqual(390);
    expect(response.index).toBe(first.index);
  });

  it('holds a KV read until the key is written, then returns early', async () => {
    const first = await call(base, '/v1/kv/settings/mode');
    const blocked = timed(`/v1/kv/settings/mode?index=${first.index}&wait=10s`);
    await new Promise((r) => setTimeout(r, 100));
    await put(base, '/v1/kv/settings/mode', 'b');
    const { response, ms } = await blocked;
    expect(ms).toBeLessThan(2_000);
    expect(response.index).toBeGreaterThan(first.index);
    const [entry] = response.json<Array<{ Value: string; ModifyIndex: number }>>();
    expect(Buffer.from(entry.Value, 'base64').toString()).toBe('b');
    expect(response.index).toBe(entry.ModifyIndex);
  });

  it('returns a KV read after `wait` with the same index when the key did not change', async () => {
    const first = await call(base, '/v1/kv/settings/mode');
    await put(base, '/v1/kv/settings/other', 'x'); // a neighbour changes, not the key
    const { response, ms } = await timed(`/v1/kv/settings/mode?index=${first.index}&wait=300ms`);
    expect(ms).toBeGreaterThanOrEqual(290);
    expect(response.index).toBe(first.index);
  });

  it('wakes a recursive KV read when a key under the prefix is deleted', async () => {
    await put(base, '/v1/kv/tree/a', '1');
    await put(base, '/v1/kv/tree/b', '2');
    const first = await call(base, '/v1/kv/tree/?recurse');
    const blocked = timed(`/v1/kv/tree/?recurse&index=${first.index}&wait=10s`);
    await new Promise((r) => setTimeout(r, 50));
    await call(base, '/v1/kv/tree/b', { method: 'DELETE' });
    const { response, ms } = await blocked;
    expect(ms).toBeLessThan(2_000);
    expect(response.index).toBeGreaterThan(first.index);
    expect(response.json<Array<{ Key: string }>>().map((e) => e.Key)).toEqual(['tree/a']);
  });

  it('wakes a watcher of a missing key when it is created, answering 404 until then', async () => {
    const first = await call(base, '/v1/kv/later');
    expect(first.status).toBe(404);
    const blocked = timed(`/v1/kv/later?index=${first.index}&wait=10s`);
    await new Promise((r) => setTimeout(r, 50));
    await put(base, '/v1/kv/later', 'now');
    const { response } = await blocked;
    expect(response.status).toBe(200);
    expect(response.index).toBeGreaterThan(first.index);
  });

  it('makes a client with an index from the future wait instead of spinning, then hands back the current index', async () => {
    const current = await call(base, '/v1/health/service/api');
    const { response, ms } = await timed(`/v1/health/service/api?index=${current.index + 1_000}&wait=300ms`);
    expect(ms).toBeGreaterThanOrEqual(290);
    expect(response.index).toBe(current.index);
  });

  it('refuses malformed index and wait values before waiting', async () => {
    const badIndex = await call(base, '/v1/health/service/api?index=abc');
    expect(badIndex.status).toBe(400);
    expect(badIndex.text).toContain('index');
    const badWait = await call(base, '/v1/kv/settings/mode?index=1&wait=forever');
    expect(badWait.status).toBe(400);
    expect(badWait.text).toContain('wait');
  });
});

describe('a blocking query whose client goes away', () => {
  it('releases its waiter at once', async () => {
    // The core, mounted on a server of our own, so the number of waiters can be observed.
    const core = createRegistryCore({ logger: silentLogger, minCheckIntervalMs: 50 });
    const server = http.createServer(core.handle);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    try {
      const first = await call(base, '/v1/kv/k');
      const abort = new AbortController();
      const pending = fetch(`${base}/v1/kv/k?index=${first.index}&wait=5m`, { signal: abort.signal }).catch(
        (e: Error) => e.name,
      );
      await waitFor(() => (core.feed.subscriberCount === 1 ? true : undefined), {
        timeoutMs: 2_000,
        intervalMs: 20,
        description: 'the query to start waiting',
      });
      abort.abort();
      expect(await pending).toBe('AbortError');
      await waitFor(() => (core.feed.subscriberCount === 0 ? true : undefined), {
        timeoutMs: 2_000,
        intervalMs: 20,
        description: 'the waiter to be released',
      });
    } finally {
      core.stop();
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    }
  });
});
