import type { CheckpointResult, LabDefinition, LabSystem } from '@lab/course';

// The part of order-service's /health/detailed these checkpoints read.
interface PolicySnapshot {
  name: string;
  state: string;
  forcedOpen: boolean;
  retries: { attempted: number };
  bulkhead: { rejected: number };
}

/** order-service's policy towards `dependency`, on each passing instance. */
async function policies(system: LabSystem, dependency: string): Promise<{ id: string; policy?: PolicySnapshot }[]> {
  const instances = await system.instances('order-service');
  return Promise.all(
    instances.map(async ({ id, url }) => {
      const detailed = await system.get<{ policies?: PolicySnapshot[] }>(`${url}/health/detailed`, { admin: true });
      return { id, policy: detailed?.policies?.find((p) => p.name === dependency) };
    }),
  );
}

/** How many requests inventory-service's fault injection aborted, over its instances (its /metrics). */
async function abortedByFault(system: LabSystem): Promise<number> {
  let total = 0;
  for (const { url } of await system.instances('inventory-service')) {
    const text = (await system.get<string>(`${url}/metrics`, { admin: true, text: true })) ?? '';
    const found = /^fault_injections_total\{[^}]*kind="abort"[^}]*\} (\d+)/m.exec(text);
    total += found ? Number(found[1]) : 0;
  }
  return total;
}

const none: CheckpointResult = { met: false, missing: 'no order-service instance is passing' };

export const lab: LabDefinition = {
  checkpoints: [
    {
      title: "order-service's breaker towards inventory-service has opened and closed again",
      async check(system) {
        if ((await abortedByFault(system)) === 0) {
          return { met: false, missing: 'inventory-service has not failed a request on purpose yet (step 4)' };
        }
        const seen = await policies(system, 'inventory-service');
        if (seen.length === 0) return none;
        const open = seen.filter(({ policy }) => policy?.state !== 'closed');
        if (open.length > 0) {
          const states = open.map(({ id, policy }) => `${id}: ${policy?.state ?? 'no policy'}`).join(', ');
          return { met: false, missing: `the breaker is not closed again (${states}): step 5` };
        }
        return { met: true };
      },
    },
    {
      title: 'order-service retried calls to product-service',
      async check(system) {
        const seen = await policies(system, 'product-service');
        if (seen.length === 0) return none;
        if (seen.some(({ policy }) => (policy?.retries.attempted ?? 0) > 0)) return { met: true };
        return { met: false, missing: 'no retry towards product-service yet (step 6)' };
      },
    },
    {
      title: "order-service's bulkhead towards product-service refused calls",
      async check(system) {
        const seen = await policies(system, 'product-service');
        if (seen.length === 0) return none;
        if (seen.some(({ policy }) => (policy?.bulkhead.rejected ?? 0) > 0)) return { met: true };
        return { met: false, missing: 'the bulkhead has refused nothing yet (step 7)' };
      },
    },
  ],
};
