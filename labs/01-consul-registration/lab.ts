import type { LabDefinition, LabSystem } from '@lab/course';

// The parts of Consul's answers these checkpoints read.
interface AgentService {
  ID: string;
  Tags: string[];
  Meta: Record<string, string>;
}
interface HealthCheck {
  CheckID: string;
  ServiceID: string;
  Type: string;
  Status: string;
}
interface CatalogEntry {
  ServiceID: string;
}

const checksOf = async (system: LabSystem, id: string): Promise<HealthCheck[]> =>
  ((await system.consul.get<HealthCheck[]>('/v1/health/checks/payments')) ?? []).filter((c) => c.ServiceID === id);

const notRegistered = { met: false, missing: 'payments-2 is not registered (steps 2 and 6)' } as const;

export const lab: LabDefinition = {
  checkpoints: [
    {
      title: 'payments-2 is registered with an HTTP, a TCP and a TTL check',
      async check(system) {
        if (!(await system.consul.get<AgentService>('/v1/agent/service/payments-2'))) return notRegistered;
        const types = new Set((await checksOf(system, 'payments-2')).map((c) => c.Type));
        const absent = ['http', 'tcp', 'ttl'].filter((type) => !types.has(type));
        if (absent.length > 0) return { met: false, missing: `payments-2 has no ${absent.join(', ')} check (step 6)` };
        return { met: true };
      },
    },
    {
      title: 'payments-2 carries the tags and metadata that select it (v2, canary; version, zone)',
      async check(system) {
        const service = await system.consul.get<AgentService>('/v1/agent/service/payments-2');
        if (!service) return notRegistered;
        const absent = [
          ...['v2', 'canary'].filter((tag) => !service.Tags.includes(tag)).map((tag) => `the tag ${tag}`),
          ...['version', 'zone'].filter((key) => !service.Meta[key]).map((key) => `the meta key ${key}`),
        ];
        if (absent.length > 0) return { met: false, missing: `payments-2 lacks ${absent.join(', ')} (step 6)` };
        return { met: true };
      },
    },
    {
      title: 'payments-2 passes all its checks, the TTL check included',
      async check(system) {
        const checks = await checksOf(system, 'payments-2');
        if (checks.length === 0) return notRegistered;
        const failing = checks.filter((c) => c.Status !== 'passing');
        if (failing.length === 0) return { met: true };
        const ttl = failing.some((c) => c.Type === 'ttl')
          ? ': report it alive with PUT .../check/pass/payments-2-ttl (step 7)'
          : '';
        return {
          met: false,
          missing: `${failing.map((c) => `${c.CheckID} is ${c.Status}`).join(', ')}${ttl}`,
        };
      },
    },
    {
      title: 'payments-1 is gone from the catalog after its process was killed',
      async check(system) {
        const ids = ((await system.consul.get<CatalogEntry[]>('/v1/catalog/service/payments')) ?? []).map(
          (e) => e.ServiceID,
        );
        if (!ids.includes('payments-2')) return notRegistered;
        if (ids.includes('payments-1')) {
          return {
            met: false,
            missing:
              'payments-1 is still in the catalog: kill its process and wait for DeregisterCriticalServiceAfter (step 9)',
          };
        }
        return { met: true };
      },
    },
  ],
};
