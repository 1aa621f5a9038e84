// The grading tests of exercise 1: your client against a real registry (dev-registry, which speaks
// Consul's HTTP API) that requires an ACL token, as a production registry does.
import http from 'node:http';
import type { AddressInfo } from 'node:net';

import { startDevRegistry, type DevRegistry } from '@lab/dev-registry';

import { NoHealthyInstanceError, RegistryUnavailableError, type Instance, type Registration } from '../contract.ts';
import { graded, loadSubmission } from './submission.ts';

const TOKEN = 'exercise-1-token';
/** A registry that requires a token, runs checks fast, and serves no DNS (this exercise uses HTTP only). */
const registryOptions = (port: number) => ({ port, aclToken: TOKEN, minCheckIntervalMs: 50, dnsPort: false as const });
let RegistryClient: Awaited<ReturnType<typeof loadSubmission>>['RegistryClient'];
let registry: DevRegistry;
const servers: http.Server[] = [];

beforeAll(async () => {
  ({ RegistryClient } = await loadSubmission());
});
beforeEach(async () => {
  registry = await startDevRegistry(registryOptions(0));
});
afterEach(async () => {
  await registry.close();
  await Promise.all(servers.splice(0).map((s) => new Promise((resolve) => s.close(resolve))));
});

const client = (extra: Partial<ConstructorParameters<typeof RegistryClient>[0]> = {}) =>
  new RegistryClient({ registryUrl: registry.url, token: TOKEN, retryDelayMs: 50, requestTimeoutMs: 1000, ...extra });

/** An HTTP server on a free port that answers 200 to everything: a healthy instance. */
async function healthyServer(): Promise<number> {
  const server = http.createServer((_req, res) => res.end('ok'));
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return (server.address() as AddressInfo).port;
}

/** A port nothing listens on: an instance whose process is gone. */
async function closedPort(): Promise<number> {
  const server = http.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

const registration = (id: string, port: number, extra: Partial<Registration> = {}): Registration => ({
  id,
  name: 'payments',
  address: '127.0.0.1',
  port,
  healthCheckUrl: `http://127.0.0.1:${port}/health`,
  checkInterval: '100ms',
  ...extra,
});

/** What the registry itself says, read with the token. */
async function registryGet<T>(path: string): Promise<{ status: number; body: T }> {
  const response = await fetch(`${registry.url}${path}`, { headers: { 'x-consul-token': TOKEN } });
  const text = await response.text();
  return { status: response.status, body: (text && response.ok ? JSON.parse(text) : text) as T };
}

/** Polls until `read` returns what `done` accepts; resolves with the last value either way. */
async function settle<T>(read: () => Promise<T>, done: (value: T) => boolean, timeoutMs = 3000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (done(value) || Date.now() > deadline) return value;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

const ids = (instances: Instance[]) => instances.map((i) => i.id).sort();

describe('1. registers with a health check', () => {
  it(
    'register() stores the instance with its address, port, tags and meta',
    graded(
      'PUT /v1/agent/service/register with ID, Name, Address, Port, Tags and Meta in the JSON body, and the X-Consul-Token header.',
      async () => {
        const port = await healthyServer();
        await client().register(
          registration('payments-1', port, { tags: ['v1', 'primary'], meta: { zone: 'eu-west-1a' } }),
        );
        const { status, body } = await registryGet<Record<string, unknown>>('/v1/agent/service/payments-1');
        expect(status).toBe(200);
        expect(body).toMatchObject({
          ID: 'payments-1',
          Service: 'payments',
          Address: '127.0.0.1',
          Port: port,
          Tags: ['v1', 'primary'],
          Meta: { zone: 'eu-west-1a' },
        });
      },
    ),
  );

  it(
    'the registration carries an HTTP check on healthCheckUrl at checkInterval, removed after deregisterCriticalServiceAfter',
    graded(
      'Add "Check": { "HTTP": healthCheckUrl, "Interval": checkInterval, "DeregisterCriticalServiceAfter": ... } to the registration, with the defaults "10s" and "1m".',
      async () => {
        const port = await healthyServer();
        await client().register(registration('payments-1', port, { deregisterCriticalServiceAfter: '30s' }));
        await client().register(registration('payments-2', port, { checkInterval: undefined }));
        const { body: checks } =
          await registryGet<Record<string, { ServiceID: string; Type: string; Definition: Record<string, string> }>>(
            '/v1/agent/checks',
          );
        const byService = Object.fromEntries(Object.values(checks).map((c) => [c.ServiceID, c]));
        expect(byService['payments-1']).toMatchObject({
          Type: 'http',
          Definition: {
            HTTP: `http://127.0.0.1:${port}/health`,
            Interval: '100ms',
            DeregisterCriticalServiceAfter: '30s',
          },
        });
        expect(byService['payments-2']).toMatchObject({
          Type: 'http',
          // The registry prints durations as Go does: "1m" comes back as "1m0s".
          Definition: { Interval: '10s', DeregisterCriticalServiceAfter: '1m0s' },
        });
      },
    ),
  );

  it(
    'register() fails at once when the registry refuses the token: a refusal is not an outage',
    graded(
      'Only a failure to reach the registry (fetch throws, or a 5xx) is worth retrying. On a 4xx answer throw RegistryRejectedError (from ../contract) straight away.',
      async () => {
        const port = await healthyServer();
        const started = Date.now();
        const error = await client({ token: 'wrong-token', retryDelayMs: 500 })
          .register(registration('payments-1', port))
          .then(
            () => undefined,
            (e: unknown) => e,
          );
        expect(error).toMatchObject({ name: 'RegistryRejectedError', status: 403 });
        expect(Date.now() - started).toBeLessThan(400);
      },
    ),
  );

  it(
    'deregister() removes the instance, and deregistering an unknown id is not an error',
    graded(
      'PUT /v1/agent/service/deregister/<id>; the registry answers 404 for an id it does not know, which means the instance is already gone.',
      async () => {
        const port = await healthyServer();
        const c = client();
        await c.register(registration('payments-1', port));
        await c.deregister('payments-1');
        expect((await registryGet('/v1/agent/service/payments-1')).status).toBe(404);
        await expect(c.deregister('payments-1')).resolves.toBeUndefined();
      },
    ),
  );
});

describe('2. discovers with load balancing', () => {
  it(
    'discover() lists only the instances whose health check passes, with their address, port, tags and meta',
    graded(
      "GET /v1/health/service/<name>?passing=true lists only instances whose checks all pass; map each entry's Service (ID, Service, Address, Port, Tags, Meta) to an Instance.",
      async () => {
        const c = client();
        const up = await healthyServer();
        await c.register(registration('payments-1', up, { tags: ['v1'], meta: { zone: 'a' } }));
        await c.register(registration('payments-2', await closedPort()));
        const found = await settle(
          () => c.discover('payments'),
          (list) => ids(list).join() === 'payments-1',
        );
        expect(found).toEqual([
          { id: 'payments-1', name: 'payments', address: '127.0.0.1', port: up, tags: ['v1'], meta: { zone: 'a' } },
        ]);
        expect(await c.discover('no-such-service')).toEqual([]);
      },
    ),
  );

  it(
    'discover(name, { tag }) lists only the instances carrying that tag',
    graded('Add &tag=<tag> to the health query when a tag is given.', async () => {
      const c = client();
      const port = await healthyServer();
      await c.register(registration('payments-1', port, { tags: ['v1'] }));
      await c.register(registration('payments-2', port, { tags: ['v2', 'canary'] }));
      await settle(
        () => c.discover('payments'),
        (list) => list.length === 2,
      );
      expect(ids(await c.discover('payments', { tag: 'canary' }))).toEqual(['payments-2']);
      expect(ids(await c.discover('payments', { tag: 'v1' }))).toEqual(['payments-1']);
    }),
  );

  it(
    'next() hands out the healthy instances in turn (round robin)',
    graded(
      'Keep a counter per service name: return instances[counter % instances.length] and increase the counter.',
      async () => {
        const c = client();
        const port = await healthyServer();
        for (const id of ['payments-1', 'payments-2', 'payments-3']) await c.register(registration(id, port));
        await settle(
          () => c.discover('payments'),
          (list) => list.length === 3,
        );
        const picked: string[] = [];
        for (let i = 0; i < 6; i++) picked.push((await c.next('payments')).id);
        expect([...picked].sort()).toEqual([
          'payments-1',
          'payments-1',
          'payments-2',
          'payments-2',
          'payments-3',
          'payments-3',
        ]);
        for (let i = 1; i < picked.length; i++) expect(picked[i]).not.toBe(picked[i - 1]);
      },
    ),
  );

  it(
    'next() throws NoHealthyInstanceError when no instance passes',
    graded(
      'When the list of candidates is empty, throw new NoHealthyInstanceError(...) from ../contract.',
      async () => {
        const c = client();
        await c.register(registration('payments-1', await closedPort()));
        await expect(c.next('payments')).rejects.toBeInstanceOf(NoHealthyInstanceError);
      },
    ),
  );
});

describe('3. survives instance and registry failures', () => {
  it(
    "an instance that stops answering leaves discover() once the registry's check fails",
    graded(
      'The registry probes healthCheckUrl every checkInterval; ask for ?passing=true instances and a dead instance drops out by itself.',
      async () => {
        const c = client();
        const port = await healthyServer();
        await c.register(registration('payments-1', port));
        await c.register(registration('payments-2', await healthyServer()));
        expect(
          ids(
            await settle(
              () => c.discover('payments'),
              (l) => l.length === 2,
            ),
          ),
        ).toEqual(['payments-1', 'payments-2']);
        const server = servers.shift()!;
        server.closeAllConnections();
        await new Promise((resolve) => server.close(resolve));
        const after = await settle(
          () => c.discover('payments'),
          (l) => l.length === 1,
        );
        expect(ids(after)).toEqual(['payments-2']);
      },
    ),
  );

  it(
    'next() skips an instance reported failed until failureCooldownMs has passed',
    graded(
      'In reportFailure() remember now() per instance id; in next() leave out the instances whose failure is more recent than failureCooldownMs.',
      async () => {
        let now = 1_000_000;
        const c = client({ now: () => now, failureCooldownMs: 10_000 });
        const port = await healthyServer();
        await c.register(registration('payments-1', port));
        await c.register(registration('payments-2', port));
        await settle(
          () => c.discover('payments'),
          (list) => list.length === 2,
        );
        const first = await c.next('payments');
        c.reportFailure(first);
        for (let i = 0; i < 4; i++) expect((await c.next('payments')).id).not.toBe(first.id);
        now += 10_000;
        const picked = new Set<string>();
        for (let i = 0; i < 4; i++) picked.add((await c.next('payments')).id);
        expect([...picked].sort()).toEqual(['payments-1', 'payments-2']);
      },
    ),
  );

  it(
    'discover() and next() keep answering with the last known instances while the registry is down',
    graded(
      'Keep the last successful answer per query. When fetch throws (the registry is down), return that answer instead of failing.',
      async () => {
        const c = client();
        const port = await healthyServer();
        await c.register(registration('payments-1', port));
        await settle(
          () => c.discover('payments'),
          (list) => list.length === 1,
        );
        await registry.close();
        expect(ids(await c.discover('payments'))).toEqual(['payments-1']);
        expect((await c.next('payments')).id).toBe('payments-1');
      },
    ),
  );

  it(
    'discover() throws RegistryUnavailableError when the registry is down and it never saw the service',
    graded(
      'With nothing remembered for this query, a registry that cannot be reached is an error: throw RegistryUnavailableError (from ../contract).',
      async () => {
        const c = client();
        await registry.close();
        await expect(c.discover('payments')).rejects.toBeInstanceOf(RegistryUnavailableError);
      },
    ),
  );

  it(
    'register() keeps trying while the registry is down, and succeeds once it is back',
    graded(
      'Catch the failure to reach the registry, wait retryDelayMs (then twice as long each time), and send the registration again, up to registerAttempts tries.',
      async () => {
        const port = await healthyServer();
        const { port: registryPort } = registry;
        await registry.close();
        const pending = client({ retryDelayMs: 100, registerAttempts: 6 }).register(registration('payments-1', port));
        const outcome = pending.then(
          () => 'registered',
          (e: unknown) => `failed: ${(e as Error).message}`,
        );
        await new Promise((resolve) => setTimeout(resolve, 250));
        registry = await startDevRegistry(registryOptions(registryPort));
        expect(await outcome).toBe('registered');
        expect((await registryGet('/v1/agent/service/payments-1')).status).toBe(200);
      },
    ),
  );

  it(
    'register() gives up with RegistryUnavailableError after registerAttempts tries',
    graded(
      'Count the tries; after the last one, throw RegistryUnavailableError rather than trying forever.',
      async () => {
        const port = await healthyServer();
        await registry.close();
        const started = Date.now();
        await expect(
          client({ retryDelayMs: 50, registerAttempts: 3 }).register(registration('payments-1', port)),
        ).rejects.toBeInstanceOf(RegistryUnavailableError);
        // Two waits (50 ms, then 100 ms) between three tries.
        expect(Date.now() - started).toBeGreaterThanOrEqual(140);
        expect(Date.now() - started).toBeLessThan(2000);
      },
    ),
  );
});
