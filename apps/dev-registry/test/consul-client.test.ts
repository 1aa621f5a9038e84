// Conformance: the `consul` npm client (v2, promise API) works against the registry unchanged.
import Consul from 'consul';
import type { DevRegistry } from '../src/index';
import { startTarget, startTestRegistry } from './helpers';
import { waitFor } from '@lab/common';

interface HealthEntry {
  Node: { Node: string; Address: string };
  Service: { ID: string; Service: string; Port: number; Address: string; Tags: string[]; Meta: Record<string, string> };
  Checks: Array<{ CheckID: string; Status: string; Type: string; ServiceID: string; Output: string }>;
}

describe('consul npm client against dev-registry', () => {
  let registry: DevRegistry;
  let consul: Consul;
  let target: Awaited<ReturnType<typeof startTarget>>;

  beforeAll(async () => {
    registry = await startTestRegistry();
    target = await startTarget(200);
    consul = new Consul({ host: '127.0.0.1', port: registry.port });
  });

  afterAll(async () => {
    consul.destroy();
    await target.close();
    await registry.close();
  });

  const passing = async (service: string): Promise<HealthEntry[]> =>
    (await consul.health.service({ service, passing: true })) as unknown as HealthEntry[];

  it('registers with an HTTP check, which the registry runs and turns passing', async () => {
    await consul.agent.service.register({
      name: 'web',
      id: 'web-1',
      address: '127.0.0.1',
      port: 8081,
      tags: ['v1', 'blue'],
      meta: { version: '1.0.0' },
      check: {
        name: 'web http',
        http: target.url,
        interval: '1s',
        timeout: '500ms',
        deregistercriticalserviceafter: '1m',
      },
    });

    const [entry] = await waitFor(
      async () => {
        const entries = await passing('web');
        return entries.length === 1 ? entries : undefined;
      },
      { timeoutMs: 3000, intervalMs: 20 },
    );
    expect(entry.Service).toMatchObject({
      ID: 'web-1',
      Service: 'web',
      Port: 8081,
      Address: '127.0.0.1',
      Tags: ['v1', 'blue'],
      Meta: { version: '1.0.0' },
    });
    expect(entry.Node.Address).toBe('127.0.0.1');
    expect(entry.Checks.map((c) => [c.CheckID, c.Status, c.Type])).toEqual([
      ['serfHealth', 'passing', ''],
      ['service:web-1', 'passing', 'http'],
    ]);
    expect(entry.Checks[1].Output).toContain('200');
  });

  it('registers with a TTL check that starts critical and follows pass/fail', async () => {
    // The client's typings demand a timeout even on a TTL check; Consul has no such rule.
    const check = { name: 'worker ttl', ttl: '30s' } as Parameters<typeof consul.agent.check.register>[0];
    await consul.agent.service.register({ name: 'worker', id: 'worker-1', port: 9000, check });
    expect(await passing('worker')).toEqual([]);

    await consul.agent.check.pass({ id: 'service:worker-1', note: 'alive' });
    const entries = await passing('worker');
    expect(entries.map((e) => e.Service.ID)).toEqual(['worker-1']);
    expect(entries[0].Checks[1]).toMatchObject({ Status: 'passing', Output: 'alive' });

    await consul.agent.check.fail('service:worker-1');
    expect(await passing('worker')).toEqual([]);
    const all = (await consul.health.service('worker')) as unknown as HealthEntry[];
    expect(all[0].Checks[1].Status).toBe('critical');
  });

  it('lists services and their nodes through the catalog, filtered by tag', async () => {
    const services = await consul.catalog.service.list();
    expect(services).toMatchObject({ consul: [], web: ['v1', 'blue'], worker: [] });

    const nodes = (await consul.catalog.service.nodes('web')) as unknown as Array<{
      ServiceID: string;
      ServicePort: number;
      ServiceTags: string[];
    }>;
    expect(nodes.map((n) => [n.ServiceID, n.ServicePort])).toEqual([['web-1', 8081]]);
    expect(await consul.catalog.service.nodes({ service: 'web', tag: 'green' })).toEqual([]);
    expect(await consul.catalog.service.nodes({ service: 'web', tag: 'blue' })).toHaveLength(1);
  });

  it('shows the agent its own services and checks', async () => {
    const services = (await consul.agent.service.list()) as unknown as Record<string, { Service: string }>;
    expect(Object.keys(services).sort()).toEqual(['web-1', 'worker-1']);
    const checks = (await consul.agent.check.list()) as unknown as Record<string, { ServiceID: string }>;
    expect(checks['service:worker-1'].ServiceID).toBe('worker-1');
  });

  it('answers status.leader and status.peers like a one-server cluster', async () => {
    expect(await consul.status.leader()).toBe('127.0.0.1:8300');
    expect(await consul.status.peers()).toEqual(['127.0.0.1:8300']);
  });

  it('stores, lists, compares-and-sets and deletes KV entries', async () => {
    expect(await consul.kv.set('config/app/color', 'blue')).toBe(true);
    expect(await consul.kv.set('config/app/size', 'xl')).toBe(true);

    const entry = (await consul.kv.get('config/app/color')) as { Value: string; ModifyIndex: number; Key: string };
    expect(entry).toMatchObject({ Key: 'config/app/color', Value: 'blue' });
    expect(await consul.kv.keys('config/app/')).toEqual(['config/app/color', 'config/app/size']);
    expect(await consul.kv.keys({ key: 'config/', separator: '/' })).toEqual(['config/app/']);

    // cas: 0 creates only; a stale index loses; the current one wins. (The client hands back the
    // JSON `false` answer as undefined, so a refusal is checked as "not true" plus the value kept.)
    expect(await consul.kv.set({ key: 'config/app/color', value: 'red', cas: 0 })).not.toBe(true);
    expect(await consul.kv.set({ key: 'config/app/color', value: 'red', cas: entry.ModifyIndex + 100 })).not.toBe(true);
    expect(((await consul.kv.get('config/app/color')) as { Value: string }).Value).toBe('blue');
    expect(await consul.kv.set({ key: 'config/app/color', value: 'red', cas: entry.ModifyIndex })).toBe(true);
    expect(((await consul.kv.get('config/app/color')) as { Value: string }).Value).toBe('red');

    const all = (await consul.kv.get({ key: 'config/', recurse: true })) as unknown as Array<{ Key: string }>;
    expect(all.map((e) => e.Key)).toEqual(['config/app/color', 'config/app/size']);

    const current = (await consul.kv.get('config/app/size')) as { ModifyIndex: number };
    expect(await consul.kv.del({ key: 'config/app/size', cas: current.ModifyIndex + 1 })).not.toBe(true);
    expect(await consul.kv.get('config/app/size')).toBeDefined();
    expect(await consul.kv.del({ key: 'config/app/size', cas: current.ModifyIndex })).toBe(true);
    expect(await consul.kv.get('config/app/size')).toBeUndefined();
  });

  it('feeds a watch on health.service with each change', async () => {
    const watch = consul.watch({
      method: consul.health.service,
      options: { service: 'worker', passing: true, wait: '5s' } as never,
    });
    const seen: string[][] = [];
    watch.on('change', (data: HealthEntry[]) => seen.push(data.map((e) => e.Service.ID)));
    const errors: Error[] = [];
    watch.on('error', (e: Error) => errors.push(e));
    try {
      await waitFor(() => (seen.length >= 1 ? true : undefined), {
        timeoutMs: 3_000,
        intervalMs: 20,
        description: 'the first watch answer',
      });
      expect(seen[0]).toEqual([]);
      await consul.agent.check.pass('service:worker-1');
      await waitFor(() => (seen.at(-1)?.length === 1 ? true : undefined), {
        timeoutMs: 3_000,
        intervalMs: 20,
        description: 'the watch to see worker-1 pass',
      });
      expect(seen.at(-1)).toEqual(['worker-1']);
      expect(errors).toEqual([]);
    } finally {
      watch.end();
    }
  });

  it('deregisters, after which the service is gone from health and catalog', async () => {
    await consul.agent.service.deregister('web-1');
    expect(await consul.health.service('web')).toEqual([]);
    expect(await consul.catalog.service.list()).not.toHaveProperty('web');
    await expect(consul.agent.service.deregister('web-1')).rejects.toThrow(/Unknown service ID/);
  });
});
