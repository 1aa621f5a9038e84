import { ConsulRegistry } from './consul-registry';
import { createRegistry } from './create-registry';
import { MemoryRegistry } from './memory-registry';

describe('createRegistry', () => {
  it('builds the memory backend', async () => {
    const registry = createRegistry({ backend: 'memory' });
    expect(registry).toBeInstanceOf(MemoryRegistry);
    expect(registry.kind).toBe('memory');
    await registry.close();
  });

  it('builds the consul backend from a URL', async () => {
    const registry = createRegistry({ backend: 'consul', consulUrl: 'http://127.0.0.1:8500', consulToken: 't' });
    expect(registry).toBeInstanceOf(ConsulRegistry);
    expect(registry.kind).toBe('consul');
    await registry.close();
  });

  it('refuses a consul backend without a URL, and unknown backends', () => {
    expect(() => createRegistry({ backend: 'consul' })).toThrow(/consulUrl/);
    expect(() => createRegistry({ backend: 'etcd' as 'consul' })).toThrow(/unknown discovery backend "etcd"/);
  });
});
