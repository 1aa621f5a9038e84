import type { Product } from './product';

/** How a single read was served; it becomes the `x-cache` response header. */
export type CacheOutcome = 'hit' | 'miss' | 'bypass';

export type CacheLookup = { outcome: 'hit'; product: Product } | { outcome: 'miss' | 'bypass' };

/** The commands the cache needs; an ioredis client fits. */
export interface CacheClient {
  get(key: string): Promise<string | null>;
  set(key: string, value: string, mode: 'EX', seconds: number): Promise<unknown>;
  del(key: string): Promise<unknown>;
}

export interface CacheObserver {
  /** A cache command failed; the read went on to Postgres. */
  error(operation: 'get' | 'set' | 'del', err: unknown): void;
}

/**
 * Cache-aside for single products. Redis is an optimisation, never a dependency: every failure is
 * reported to the observer and answered as `bypass`, so the caller reads Postgres instead.
 */
export class ProductCache {
  constructor(
    private readonly client: CacheClient | undefined,
    /** Read at every write, so a live change of the TTL applies to the next entry stored. */
    private readonly ttlSeconds: () => number,
    private readonly observer: CacheObserver,
  ) {}

  static key(id: number): string {
    return `product:${id}`;
  }

  async get(id: number): Promise<CacheLookup> {
    if (!this.client) return { outcome: 'bypass' };
    let cached: string | null;
    try {
      cached = await this.client.get(ProductCache.key(id));
    } catch (err) {
      this.observer.error('get', err);
      return { outcome: 'bypass' };
    }
    if (cached === null) return { outcome: 'miss' };
    const product = parseCachedProduct(cached, id);
    return product ? { outcome: 'hit', product } : { outcome: 'miss' };
  }

  async set(product: Product): Promise<void> {
    if (!this.client) return;
    try {
      await this.client.set(ProductCache.key(product.id), JSON.stringify(product), 'EX', this.ttlSeconds());
    } catch (err) {
      this.observer.error('set', err);
    }
  }

  /**
   * Call after the database change committed: deleting earlier would let a concurrent reader refill
   * the key with the old row. A reader that fetched the old row just before the commit can still
   * store it after this delete; the TTL bounds how long that stale copy lives.
   */
  async invalidate(id: number): Promise<void> {
    if (!this.client) return;
    try {
      await this.client.del(ProductCache.key(id));
    } catch (err) {
      // The entry expires after the TTL anyway; until then readers may see the previous version.
      this.observer.error('del', err);
    }
  }
}

/** A cached entry that does not look like the product asked for is treated as a miss and overwritten. */
function parseCachedProduct(raw: string, id: number): Product | undefined {
  try {
    const value = JSON.parse(raw) as Partial<Product> | null;
    return value && value.id === id && typeof value.sku === 'string' ? (value as Product) : undefined;
  } catch {
    return undefined;
  }
}
