import { assertKvKey, type BackoffOptions, type Logger, OpenWatches } from '@lab/common';
import { WatchDelivery } from '../internal/watch-delivery';

/** A running watch of KV entries; close() stops it (no callback runs after it returns). */
export interface KvWatch {
  close(): void;
}

/** What a KV store takes from its registry's settings, besides the connection. */
export interface KvSettings {
  /** Backoff of a watch after a failed read (the registry's watchBackoff). */
  backoff: BackoffOptions;
  logger: Logger;
}

/** What a backend's KV watch is made from: where to look, whom to tell, and the registry's settings. */
export interface KvWatchRequest extends KvSettings {
  prefix: string;
  delivery: WatchDelivery<Map<string, string>>;
  /** Names the watch in log lines. */
  context: { prefix: string };
  /** Called once when the watch closes, so the KV forgets it. */
  onClosed(): void;
}

/**
 * The key/value store of a registry (Consul KV, etcd keys, ZooKeeper nodes), reached through the
 * very client, session and settings the registry itself uses: `registry.kv`. It is what live
 * configuration reads (it fits @lab/config's KvSource): keys are slash-separated paths without a
 * leading slash ("config/order-service/logLevel"), values are text, and an empty value counts as
 * absent (ZooKeeper cannot tell an empty value from a folder).
 *
 * `watch` calls back first with every entry under the prefix, then after each change (a burst may
 * arrive as one call); while the server is unreachable `onError` is called and the watch keeps
 * retrying, and the first answer after an error is always delivered, changed or not. Failures are
 * RegistryUnavailableError, as the registry's own.
 *
 * `close()` ends the watches opened through it; the connection belongs to the registry, which
 * closes it (and these watches) in its own close().
 */
export abstract class RegistryKv<W extends KvWatch = KvWatch> {
  abstract readonly kind: string;
  protected readonly watches = new OpenWatches<W>();

  constructor(protected readonly settings: KvSettings) {}

  /** Every non-empty entry whose key starts with `prefix`. */
  abstract list(prefix: string): Promise<Map<string, string>>;

  watch(prefix: string, onChange: (entries: Map<string, string>) => void, onError?: (error: Error) => void): KvWatch {
    const delivery = new WatchDelivery<Map<string, string>>({
      onChange,
      onError,
      same: sameEntries,
      copy: (entries) => new Map(entries),
      context: { prefix },
      logger: this.settings.logger,
    });
    return this.watches.add((onClosed) =>
      this.openWatch({ ...this.settings, prefix, delivery, context: { prefix }, onClosed }),
    );
  }

  async put(key: string, value: string): Promise<void> {
    assertKvKey(this.kind, key);
    await this.write(key, value);
  }

  /** Removing a key that is not there is not an error. */
  async delete(key: string): Promise<void> {
    assertKvKey(this.kind, key);
    await this.remove(key);
  }

  async close(): Promise<void> {
    this.watches.closeAll();
  }

  protected abstract openWatch(request: KvWatchRequest): W;
  protected abstract write(key: string, value: string): Promise<void>;
  protected abstract remove(key: string): Promise<void>;
}

/** True when two snapshots hold the same keys with the same values. */
export function sameEntries(a: ReadonlyMap<string, string>, b: ReadonlyMap<string, string>): boolean {
  if (a.size !== b.size) return false;
  for (const [key, value] of a) if (b.get(key) !== value) return false;
  return true;
}
