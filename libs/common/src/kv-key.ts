/**
 * Refuses a key no KV backend could store the same way: keys are slash-separated paths without a
 * leading, trailing or double slash ("config/order-service/logLevel"), since ZooKeeper turns each
 * key into a node path and Consul and etcd would store such keys as they are.
 */
export function assertKvKey(backend: string, key: string): void {
  if (key === '' || key.startsWith('/') || key.endsWith('/') || key.includes('//')) {
    throw new RangeError(`${backend} KV: invalid key "${key}" (expected a/b/c, no leading, trailing or double slash)`);
  }
}
