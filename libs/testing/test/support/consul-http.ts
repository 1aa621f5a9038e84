import type { StubRegistry } from '../../src';

/**
 * Just enough of a Consul client for these tests (the real one lives in @lab/discovery, which this
 * lib must not import): register, deregister and list passing instances over the HTTP API.
 */
export function consulHttpRegistry(url: string): StubRegistry & {
  passing(name: string): Promise<Array<{ id: string; address: string; port: number }>>;
} {
  const put = async (path: string, body?: unknown): Promise<void> => {
    const response = await fetch(new URL(path, url), {
      method: 'PUT',
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    if (!response.ok) throw new Error(`PUT ${path} answered ${response.status}: ${await response.text()}`);
  };
  return {
    register: (r) =>
      put('/v1/agent/service/register', {
        ID: r.id,
        Name: r.name,
        Address: r.address,
        Port: r.port,
        Tags: r.tags,
        Meta: r.meta,
      }),
    deregister: (id) => put(`/v1/agent/service/deregister/${encodeURIComponent(id)}`),
    async passing(name) {
      const response = await fetch(new URL(`/v1/health/service/${encodeURIComponent(name)}?passing=true`, url));
      const entries = (await response.json()) as Array<{ Service: { ID: string; Address: string; Port: number } }>;
      return entries.map((e) => ({ id: e.Service.ID, address: e.Service.Address, port: e.Service.Port }));
    },
  };
}
