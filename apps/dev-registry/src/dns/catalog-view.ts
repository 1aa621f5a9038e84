import type { CatalogStore } from '../state/catalog-store';
import type { CheckRecord } from '../state/types';
import type { DnsCatalog, InstanceHealth } from './dns-answer';

/** The catalog as the DNS side reads it: instances with the worst status of the checks covering them. */
export function dnsCatalogOf(store: CatalogStore): DnsCatalog {
  return {
    datacenter: store.node.datacenter,
    node: { name: store.node.name, address: store.node.address, meta: { 'consul-network-segment': '' } },
    instancesOf(service) {
      const name = service.toLowerCase();
      const nodeHealth = worstOf(store.nodeChecks());
      return store
        .allServices()
        .filter((s) => s.name.toLowerCase() === name)
        .map((s) => ({
          id: s.id,
          serviceAddress: s.address,
          port: s.port,
          tags: s.tags,
          weights: s.weights,
          health: worse(nodeHealth, worstOf(store.checksOfService(s.id))),
        }));
    },
  };
}

const RANK: Readonly<Record<InstanceHealth, number>> = { passing: 0, warning: 1, critical: 2 };

function worse(a: InstanceHealth, b: InstanceHealth): InstanceHealth {
  return RANK[a] >= RANK[b] ? a : b;
}

function worstOf(checks: readonly CheckRecord[]): InstanceHealth {
  return checks.reduce<InstanceHealth>((worst, check) => worse(worst, check.status), 'passing');
}
