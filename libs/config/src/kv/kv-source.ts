/** A running watch; close() stops it (no callback runs after it returns). */
export interface KvWatch {
  close(): void;
}

/**
 * The key/value store the KV layer reads, reduced to what configuration needs. The registry clients
 * provide it (@lab/discovery's `registry.kv`: Consul KV, etcd keys, ZooKeeper nodes, on the
 * registry's own connection); MemoryKv serves tests. Keys are slash-separated
 * ("config/order-service/logLevel"); values are text. An empty value counts as absent (ZooKeeper
 * cannot tell an empty value from a folder).
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
  /** Removing a key that is not there is not an error. */
  delete(key: string): Promise<void>;
  /** Ends every watch opened through this source; a source that owns its connection closes it too. */
  close(): Promise<void>;
}
