import { MemoryRegistry } from '../../src/backends/memory-registry';
import { registryContract } from './registry-contract';

// In one process there is no server to kill or restart: the contract leaves those tests out.
registryContract({
  kind: 'memory',
  connect: () => new MemoryRegistry(),
  registerUnhealthy: (registry, r) => registry.register({ ...r, status: 'critical' }),
});
