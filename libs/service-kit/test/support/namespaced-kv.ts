import type { KvSource, KvWatch } from '@lab/config';

/**
 * A KvSource that keeps every key under `namespace/` on the real server, so that a test file sharing
 * a server with others (the run's TEST_ETCD_URL or TEST_ZOOKEEPER_CONNECT) can write even the shared
 * keys without touching anyone else's. It changes key names only; watches, lists and writes go to
 * the real backend as they are. `close` closes the inner source, then `closeOwner` (the registry
 * that holds its connection).
 */
export class NamespacedKv implements KvSource {
  constructor(
    private readonly inner: KvSource,
    private readonly namespace: string,
    private readonly closeOwner: () => Promise<void> = async () => undefined,
  ) {}

  get kind(): string {
    return this.inner.kind;
  }

  async list(prefix: string): Promise<Map<string, string>> {
    return this.strip(await this.inner.list(this.full(prefix)));
  }

  watch(prefix: string, onChange: (entries: Map<string, string>) => void, onError?: (error: Error) => void): KvWatch {
    return this.inner.watch(this.full(prefix), (entries) => onChange(this.strip(entries)), onError);
  }

  put(key: string, value: string): Promise<void> {
    return this.inner.put(this.full(key), value);
  }

  delete(key: string): Promise<void> {
    return this.inner.delete(this.full(key));
  }

  async close(): Promise<void> {
    await this.inner.close();
    await this.closeOwner();
  }

  private full(key: string): string {
    return `${this.namespace}/${key}`;
  }

  private strip(entries: Map<string, string>): Map<string, string> {
    const cut = this.namespace.length + 1;
    return new Map([...entries].map(([key, value]) => [key.slice(cut), value]));
  }
}
