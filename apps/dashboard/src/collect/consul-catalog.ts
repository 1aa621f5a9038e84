import { Agent, request } from 'undici';
import { z } from 'zod';
import type { RegistryHealth } from '../view/system-view';
import type { CatalogInstance, RegistryCatalog } from './system-collector';

const STATUS_ORDER = ['passing', 'warning', 'critical'] as const;

const healthEntries = z.array(
  z.object({
    Service: z.object({ ID: z.string(), Address: z.string().catch(''), Port: z.number().catch(0) }),
    Node: z.object({ Address: z.string().catch('') }).catch({ Address: '' }),
    Checks: z
      .array(
        z.object({
          Status: z.enum(STATUS_ORDER).catch('critical'),
          Output: z.string().catch(''),
          Name: z.string().catch(''),
        }),
      )
      .catch([]),
  }),
);

/** The worst of an instance's checks (node checks included, as Consul counts them), and its output. */
export function registryHealthOf(
  checks: { Status: RegistryHealth['status']; Output: string; Name: string }[],
): RegistryHealth {
  let worst: RegistryHealth = { status: 'passing' };
  for (const check of checks) {
    if (STATUS_ORDER.indexOf(check.Status) >= STATUS_ORDER.indexOf(worst.status)) {
      const output = check.Output.trim();
      worst = { status: check.Status, ...(output ? { output: `${check.Name}: ${output}` } : {}) };
    }
  }
  return worst;
}

/**
 * Consul's catalog through its HTTP API, with the dashboard's own token: every service name, and
 * every instance of a service whatever its health, with the status and output of its checks (what
 * Consul's UI shows). The healthy lists themselves come from the watched caches, as for any client.
 */
export class ConsulCatalog implements RegistryCatalog {
  private readonly agent: Agent;

  constructor(
    private readonly o: { url: string; token?: string; ca?: string; cert?: string; key?: string; timeoutMs: number },
  ) {
    this.agent = new Agent({ connect: { ca: o.ca, cert: o.cert, key: o.key } });
  }

  async services(): Promise<string[]> {
    return Object.keys(z.record(z.string(), z.unknown()).parse(await this.get('/v1/catalog/services'))).filter(
      (name) => name !== 'consul',
    );
  }

  async instances(service: string): Promise<CatalogInstance[]> {
    const entries = healthEntries.parse(await this.get(`/v1/health/service/${encodeURIComponent(service)}`));
    return entries.map((e) => ({
      id: e.Service.ID,
      address: e.Service.Address || e.Node.Address,
      port: e.Service.Port,
      health: registryHealthOf(e.Checks),
    }));
  }

  close(): Promise<void> {
    return this.agent.close();
  }

  private async get(path: string): Promise<unknown> {
    const response = await request(new URL(path, this.o.url), {
      headers: this.o.token ? { 'x-consul-token': this.o.token } : {},
      dispatcher: this.agent,
      headersTimeout: this.o.timeoutMs,
      bodyTimeout: this.o.timeoutMs,
    });
    if (response.statusCode !== 200) {
      await response.body.dump();
      throw new Error(`Consul answered ${response.statusCode} to ${path}`);
    }
    return response.body.json();
  }
}
