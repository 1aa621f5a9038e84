import type { CacheClient } from './product-cache';
import { ProductCache } from './product-cache';
import type { Product } from './product';

const product: Product = {
  id: 7,
  sku: 'MUG-1',
  name: 'Mug',
  priceCents: 1250,
  createdAt: '2024-01-01T00:00:00.000Z',
  updatedAt: '2024-01-01T00:00:00.000Z',
};

/** An in-memory stand-in for Redis that can be told to fail. */
class FakeClient implements CacheClient {
  readonly store = new Map<string, { value: string; ttl: number }>();
  failing = false;

  async get(key: string) {
    this.failIfAsked();
    return this.store.get(key)?.value ?? null;
  }
  async set(key: string, value: string, _mode: 'EX', ttl: number) {
    this.failIfAsked();
    this.store.set(key, { value, ttl });
  }
  async del(key: string) {
    this.failIfAsked();
    this.store.delete(key);
  }
  private failIfAsked() {
    if (this.failing) throw new Error('Connection is closed.');
  }
}

function setup() {
  const client = new FakeClient();
  const errors: string[] = [];
  let ttlSeconds = 60;
  const cache = new ProductCache(client, () => ttlSeconds, { error: (operation) => errors.push(operation) });
  return { client, errors, cache, setTtl: (seconds: number) => (ttlSeconds = seconds) };
}

describe('ProductCache', () => {
  it('misses, then hits once the product was stored with the TTL', async () => {
    const { client, cache } = setup();
    await expect(cache.get(7)).resolves.toEqual({ outcome: 'miss' });
    await cache.set(product);
    expect(client.store.get('product:7')?.ttl).toBe(60);
    await expect(cache.get(7)).resolves.toEqual({ outcome: 'hit', product });
  });

  it('stores the next entry with the TTL in force at that moment', async () => {
    const { client, cache, setTtl } = setup();
    setTtl(5);
    await cache.set(product);
    expect(client.store.get('product:7')?.ttl).toBe(5);
  });

  it('forgets an entry when invalidated', async () => {
    const { cache } = setup();
    await cache.set(product);
    await cache.invalidate(7);
    await expect(cache.get(7)).resolves.toEqual({ outcome: 'miss' });
  });

  it('answers bypass and reports every failing command instead of throwing', async () => {
    const { client, errors, cache } = setup();
    client.failing = true;
    await expect(cache.get(7)).resolves.toEqual({ outcome: 'bypass' });
    await expect(cache.set(product)).resolves.toBeUndefined();
    await expect(cache.invalidate(7)).resolves.toBeUndefined();
    expect(errors).toEqual(['get', 'set', 'del']);
  });

  it('answers bypass without a client (Redis not configured)', async () => {
    const cache = new ProductCache(undefined, () => 60, { error: () => undefined });
    await expect(cache.get(7)).resolves.toEqual({ outcome: 'bypass' });
  });

  it.each([
    ['not JSON', '{oops'],
    ['another product', JSON.stringify({ ...product, id: 8 })],
    ['null', 'null'],
  ])('treats a corrupt entry (%s) as a miss', async (_label, raw) => {
    const { client, cache } = setup();
    client.store.set('product:7', { value: raw, ttl: 60 });
    await expect(cache.get(7)).resolves.toEqual({ outcome: 'miss' });
  });
});
