// Consul's ACLs, default deny, over the API subset the registry serves: who may register which
// service, read and write which keys. Third-party clients (the `consul` npm client) send their token.
import Consul from 'consul';
import type { AclConfigInput, DevRegistry } from '../src/index';
import { call, startTestRegistry } from './helpers';

const MANAGEMENT = 'management-token-0123456789';
const TOKENS = {
  auth: 'auth-service-token-0123456789',
  product: 'product-service-token-0123456',
  readOnly: 'read-only-token-0123456789ab',
  configWriter: 'config-writer-token-01234567',
};
const acl: AclConfigInput = {
  managementToken: MANAGEMENT,
  policies: [
    { Name: 'config-read', Rules: JSON.stringify({ key_prefix: { 'config/': { policy: 'read' } } }) },
    { Name: 'config-write', Rules: { key_prefix: { 'config/': { policy: 'write' } } } },
    {
      Name: 'read-only',
      Rules: {
        service_prefix: { '': { policy: 'read' } },
        node_prefix: { '': { policy: 'read' } },
        key_prefix: { '': { policy: 'read' } },
        agent_prefix: { '': { policy: 'read' } },
      },
    },
  ],
  tokens: [
    {
      SecretID: TOKENS.auth,
      ServiceIdentities: [{ ServiceName: 'auth-service' }],
      Policies: [{ Name: 'config-read' }],
    },
    {
      SecretID: TOKENS.product,
      ServiceIdentities: [{ ServiceName: 'product-service' }],
      Policies: [{ Name: 'config-read' }],
    },
    { SecretID: TOKENS.readOnly, Policies: [{ Name: 'read-only' }] },
    { SecretID: TOKENS.configWriter, Description: 'config tooling', Policies: [{ Name: 'config-write' }] },
  ],
};

const registration = (id: string, name: string, port: number) =>
  JSON.stringify({ ID: id, Name: name, Address: '127.0.0.1', Port: port, Check: { TTL: '30s' } });
const as = (token: string | undefined): Record<string, string> => (token ? { 'x-consul-token': token } : {});

describe('ACLs (default deny)', () => {
  let registry: DevRegistry;
  const send = (method: string, path: string, token: string | undefined, body?: string) =>
    call(registry.url, path, { method, headers: as(token), body });

  beforeAll(async () => {
    registry = await startTestRegistry({ dnsPort: false, acl });
    expect(
      (await send('PUT', '/v1/agent/service/register', TOKENS.auth, registration('auth-1', 'auth-service', 3001)))
        .status,
    ).toBe(200);
  });
  afterAll(() => registry.close());

  it('refuses a rogue auth-service registration without a token: 403 Permission denied', async () => {
    const rogue = await send(
      'PUT',
      '/v1/agent/service/register',
      undefined,
      registration('auth-rogue', 'auth-service', 6666),
    );
    expect([rogue.status, rogue.text]).toEqual([403, 'Permission denied']);
    expect(await instancesOf('auth-service')).toEqual(['auth-1']);
  });

  it("refuses a rogue auth-service registration with product-service's token", async () => {
    const rogue = await send(
      'PUT',
      '/v1/agent/service/register',
      TOKENS.product,
      registration('auth-rogue', 'auth-service', 6666),
    );
    expect([rogue.status, rogue.text]).toEqual([403, 'Permission denied']);
    // Nor may it take the real instance's ID under its own name, or deregister it.
    const takeover = await send(
      'PUT',
      '/v1/agent/service/register',
      TOKENS.product,
      registration('auth-1', 'product-service', 6666),
    );
    expect(takeover.status).toBe(403);
    expect((await send('PUT', '/v1/agent/service/deregister/auth-1', TOKENS.product)).status).toBe(403);
    expect(await instancesOf('auth-service')).toEqual(['auth-1']);
  });

  it("lets a service's token register its own name, and only its own", async () => {
    expect(
      (
        await send(
          'PUT',
          '/v1/agent/service/register',
          TOKENS.product,
          registration('product-1', 'product-service', 3002),
        )
      ).status,
    ).toBe(200);
    expect((await send('PUT', '/v1/agent/check/pass/service:product-1', TOKENS.auth)).status).toBe(403);
    expect((await send('PUT', '/v1/agent/service/deregister/product-1', TOKENS.product)).status).toBe(200);
  });

  it('refuses KV writes without a token, and config writes with a service or read-only token', async () => {
    for (const token of [undefined, TOKENS.product, TOKENS.readOnly]) {
      const write = await send('PUT', '/v1/kv/config/order-service/timeoutMs', token, '1');
      expect([token, write.status, write.text]).toEqual([token, 403, 'Permission denied']);
    }
    expect((await send('DELETE', '/v1/kv/config/?recurse', TOKENS.readOnly)).status).toBe(403);
    expect((await send('GET', '/v1/kv/config/order-service/timeoutMs', TOKENS.product)).status).toBe(404);
  });

  it('lets the config tooling write config/ and services read it, but not outside config/', async () => {
    expect((await send('PUT', '/v1/kv/config/flags/discount', TOKENS.configWriter, 'false')).status).toBe(200);
    expect((await send('GET', '/v1/kv/config/flags/discount?raw', TOKENS.auth)).text).toBe('false');
    expect((await send('PUT', '/v1/kv/other', TOKENS.configWriter, 'x')).status).toBe(403);
    expect((await send('GET', '/v1/kv/config/flags/discount', undefined)).status).toBe(403);
  });

  it('lets a read-only token read everything and write nothing', async () => {
    expect((await send('GET', '/v1/kv/config/flags/discount?raw', TOKENS.readOnly)).text).toBe('false');
    expect((await send('GET', '/v1/agent/self', TOKENS.readOnly)).status).toBe(200);
    expect((await send('PUT', '/v1/agent/service/register', TOKENS.readOnly, registration('x-1', 'x', 1))).status).toBe(
      403,
    );
    expect((await send('PUT', '/v1/agent/service/deregister/auth-1', TOKENS.readOnly)).status).toBe(403);
  });

  it('answers anonymous catalog reads with nothing, and says it filtered', async () => {
    const health = await send('GET', '/v1/health/service/auth-service', undefined);
    expect([health.status, health.json()]).toEqual([200, []]);
    expect(health.headers.get('x-consul-results-filtered-by-acls')).toBe('true');
    expect((await send('GET', '/v1/agent/self', undefined)).status).toBe(403);
    expect((await send('GET', '/v1/status/leader', undefined)).status).toBe(200);
  });

  it('answers an unknown token with 403 "ACL not found"', async () => {
    const answer = await send('GET', '/v1/health/service/auth-service', 'no-such-token');
    expect([answer.status, answer.text]).toEqual([403, 'ACL not found']);
  });

  it('names the token a request carries at /v1/acl/token/self', async () => {
    const self = await send('GET', '/v1/acl/token/self', TOKENS.product);
    expect(self.json()).toMatchObject({ ServiceIdentities: [{ ServiceName: 'product-service' }] });
  });

  it('lets Eureka clients register only the app their token is for', async () => {
    const instance = (app: string) =>
      JSON.stringify({
        instance: {
          instanceId: `${app}-1`,
          app: app.toUpperCase(),
          hostName: 'localhost',
          ipAddr: '127.0.0.1',
          status: 'UP',
          port: { $: 3001, '@enabled': 'true' },
          dataCenterInfo: { '@class': 'com.netflix.appinfo.InstanceInfo$DefaultDataCenterInfo', name: 'MyOwn' },
        },
      });
    const post = (app: string, token: string | undefined) =>
      call(registry.url, `/eureka/apps/${app.toUpperCase()}`, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          ...(token ? { authorization: `Basic ${Buffer.from(`eureka:${token}`).toString('base64')}` } : {}),
        },
        body: instance(app),
      });
    expect((await post('auth-service', undefined)).status).toBe(403);
    expect((await post('auth-service', TOKENS.product)).status).toBe(403);
    expect((await post('product-service', TOKENS.product)).status).toBe(204);
  });

  it('serves the consul npm client with a token, and refuses it without', async () => {
    const withToken = new Consul({ host: '127.0.0.1', port: registry.port, defaults: { token: TOKENS.configWriter } });
    const without = new Consul({ host: '127.0.0.1', port: registry.port });
    try {
      await withToken.kv.set('config/flags/beta', 'true');
      expect(await withToken.kv.get('config/flags/beta')).toMatchObject({ Value: 'true' });
      await expect(without.kv.set('config/flags/beta', 'false')).rejects.toThrow(/Permission denied/);
      await expect(
        without.agent.service.register({ name: 'auth-service', id: 'auth-rogue', address: '127.0.0.1', port: 6666 }),
      ).rejects.toThrow(/Permission denied/);
    } finally {
      withToken.destroy();
      without.destroy();
    }
  });

  async function instancesOf(name: string): Promise<string[]> {
    const entries = (await send('GET', `/v1/health/service/${name}`, MANAGEMENT)).json<
      Array<{ Service: { ID: string } }>
    >();
    return entries.map((e) => e.Service.ID).sort();
  }
});

describe('ACL set-up', () => {
  it('is refused whole, naming the field, when a token names a policy that does not exist', async () => {
    await expect(
      startTestRegistry({
        dnsPort: false,
        acl: { managementToken: MANAGEMENT, tokens: [{ SecretID: 'x'.repeat(20), Policies: [{ Name: 'nope' }] }] },
      }),
    ).rejects.toThrow('acl.tokens.0.Policies.0.Name: names no policy');
    await expect(
      startTestRegistry({
        dnsPort: false,
        acl: { managementToken: MANAGEMENT, policies: [{ Name: 'p', Rules: '{"keys": {}}' }] },
      }),
    ).rejects.toThrow(/acl\.policies\.0\.Rules/);
  });
});
