import type { ServiceDirectory } from '@lab/discovery';
import { Gauge, type Registry } from 'prom-client';

/**
 * What the instance caches know, per dependency: how many healthy instances, and whether the list is
 * stale (the registry stopped answering and the last known instances are being served).
 */
export function registerDiscoveryMetrics(registry: Registry, directory: ServiceDirectory): void {
  new Gauge({
    name: 'discovery_cache_stale',
    help: 'Whether the instance list of a dependency is stale (1: the registry does not answer; the last known instances are used)',
    labelNames: ['service'],
    registers: [registry],
    collect() {
      this.reset();
      for (const s of directory.snapshot()) this.set({ service: s.service }, s.stale ? 1 : 0);
    },
  });
  new Gauge({
    name: 'discovery_instances',
    help: 'Healthy instances of a dependency in the watched cache',
    labelNames: ['service'],
    registers: [registry],
    collect() {
      this.reset();
      for (const s of directory.snapshot()) this.set({ service: s.service }, s.instances);
    },
  });
  new Gauge({
    name: 'discovery_ejected_instances',
    help: 'Instances of a dependency left out by outlier ejection now',
    labelNames: ['service'],
    registers: [registry],
    collect() {
      this.reset();
      for (const s of directory.snapshot()) this.set({ service: s.service }, s.ejected.length);
    },
  });
}
