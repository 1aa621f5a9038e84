import { kvEntriesToTree, kvPrefix, treeToKvEntries } from './kv-layout';

describe('KV layout', () => {
  const prefix = kvPrefix('order-service');

  it('turns keys under the prefix into a tree of parsed values', () => {
    const entries = new Map([
      ['config/order-service/logLevel', 'debug'],
      ['config/order-service/resilience/product-service/timeoutMs', '800'],
      ['config/order-service/flags/bulk-discount', '{"enabled":true}'],
      ['config/other-service/logLevel', 'error'],
      ['config/order-service/', 'folder marker'],
      ['config/order-service/__proto__/polluted', 'true'],
    ]);
    expect(kvEntriesToTree(entries, prefix)).toEqual({
      logLevel: 'debug',
      resilience: { 'product-service': { timeoutMs: 800 } },
      flags: { 'bulk-discount': { enabled: true } },
    });
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('lets a deeper key win over the same field inside a JSON object, whatever the order', () => {
    const entries = new Map([
      ['config/order-service/cache/ttlSeconds', '5'],
      ['config/order-service/cache', '{"ttlSeconds":60,"size":100}'],
    ]);
    expect(kvEntriesToTree(entries, prefix)).toEqual({ cache: { ttlSeconds: 5, size: 100 } });
  });

  it('writes one key per leaf and one per flag, and reads them back to the same tree', () => {
    const tree = {
      logLevel: 'info',
      resilience: { 'inventory-service': { timeoutMs: 1000, retry: { maxAttempts: 2 } } },
      flags: { 'bulk-discount': { enabled: false, rolloutPercent: 10 } },
      tags: ['a', 'b'],
      version: '2',
    };
    const entries = treeToKvEntries(tree);
    expect(Object.fromEntries(entries)).toEqual({
      logLevel: 'info',
      'resilience/inventory-service/timeoutMs': '1000',
      'resilience/inventory-service/retry/maxAttempts': '2',
      'flags/bulk-discount': '{"enabled":false,"rolloutPercent":10}',
      tags: '["a","b"]',
      version: '"2"',
    });
    const full = new Map([...entries].map(([key, value]) => [`${prefix}${key}`, value]));
    expect(kvEntriesToTree(full, prefix)).toEqual(tree);
  });
});
