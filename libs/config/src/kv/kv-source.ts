/** A running watch; close() stops it (no callback runs after it returns). */
export interface KvWatch {
  close(): void;
}

/**
 * The key/value side of a registry backend (Consul KV, etcd keys, ZooKeeper nodes), reduced to what
 * configuration needs. Keys are slash-separated ("config/order-service/logLevel"); values are text.
 * An empty value counts as absent (ZooKeeper cannot tell an empty value from a folder node).
 */
export interface KvSource {
  readonly kind: string;
  /** Every non-empty entry whose key starts with `prefix`. */
  list(prefix: string): Promise<Map<string, string>>;
  /**
   * Calls `onChange` with every entry under `prefix`: first as soon as possible with the current
   * state, then after each change (a burst of changes may arrive as one call). While the server is
   * unreachable `onError` is called and the watch keeps retrying; the first answer after an error
   * is always delivered, changed or not.
   */
  watch(prefix: string, onChange: (entries: Map<string, string>) => void, onError?: (error: Error) => void): KvWatch;
  put(key: string, value: string): Promise<void>;
  delete(key: string): Promise<void>;
  /** Closes connections and every watch opened through this source. */
  close(): Promise<void>;
}

/** Thrown when a KV server cannot be reached or answers with an error. */
export class KvUnavailableError extends Error {
  readonly code = 'KV_UNAVAILABLE';

  constructor(
    readonly backend: string,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(`${backend} KV: ${message}`, options);
    this.name = 'KvUnavailableError';
  }
}

/** True when two snapshots hold the same keys with the same values. */
export function sameEntries(a: ReadonlyMap<string, string>, b: ReadonlyMap<string, string>): boolean {
  if (a.size !== b.size) return false;
  for (const [key, value] of a) if (b.get(key) !== value) return false;
  return true;
}

/** Keys are slash-separated paths without a leading slash; refuse what no backend could store. */
export function assertKey(backend: string, key: string): void {
  if (key === '' || key.startsWith('/') || key.endsWith('/') || key.includes('//')) {
    throw new RangeError(`${backend} KV: invalid key "${key}" (expected a/b/c, no leading, trailing or double slash)`);
  }
}
