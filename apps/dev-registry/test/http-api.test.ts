// Status codes, content types and error texts of the HTTP API, and the ACL token.
import type { DevRegistry } from '../src/index';
import { call, put, startTestRegistry, type HealthEntry } from './helpers';

describe('HTTP API behaviour', () => {
  let registry: DevRegistry;
  let base: string;

  beforeAll(async () => {
    registry = await startTestRegistry();
    base = registry.url;
  });
  afterAll(() => registry.close());

  describe('bad input', () => {
    it('answers a malformed JSON body with 400 plain text', async () => {
      const response = await put(base, '/v1/agent/service/register', '{"Name": "web",');
      expect(response.status).toBe(400);
      expect(response.headers.get('content-type')).toMatch(/^text\/plain/);
      expect(response.text).toMatch(/^Request decode failed: /);
    });

    it('answers a registration without Name with 400 naming the field', async () => {
      const response = await put(base, '/v1/agent/service/register', { ID: 'x', Port: 80 });
      expect(response.status).toBe(400);
      expect(response.text).toBe('Name: Missing service name');
      expect((await call(base, '/v1/agent/services')).json()).toEqual({});
    });

    it('answers an invalid check definition with 400 naming the field', async () => {
      const response = await put(base, '/v1/agent/service/register', {
        Name: 'web',
        Check: { HTTP: 'http://127.0.0.1/', Interval: 'often' },
      });
      expect(response.status).toBe(400);
      expect(response.text).toContain('Check.Interval: invalid duration "often"');
    });

    it('answers a KV PUT with a non-numeric cas or flags with 400, writing nothing', async () => {
      const badCas = await put(base, '/v1/kv/guarded?cas=abc', 'v');
      expect(badCas.status).toBe(400);
      expect(badCas.text).toContain('cas: must be an unsigned integer');
      const badFlags = await put(base, '/v1/kv/guarded?flags=-1', 'v');
      expect(badFlags.status).toBe(400);
      expect(badFlags.text).toContain('flags');
      expect((await call(base, '/v1/kv/guarded')).status).toBe(404);
    });

    it('refuses an oversized KV value with 413', async () => {
      const response = await put(base, '/v1/kv/big', 'x'.repeat(512 * 1024 + 1));
      expect(response.status).toBe(413);
      expect((await call(base, '/v1/kv/big')).status).toBe(404);
    });

    it('refuses an unreadable passing flag and an unknown health state', async () => {
      expect((await call(base, '/v1/health/service/web?passing=maybe')).status).toBe(400);
      const state = await call(base, '/v1/health/state/sleepy');
      expect(state.status).toBe(400);
      expect(state.text).toContain('Invalid state');
    });

    it('answers an update with a bad Status with 400', async () => {
      await put(base, '/v1/agent/service/register', { Name: 'ttl', Check: { TTL: '1m' } });
      const response = await put(base, '/v1/agent/check/update/service:ttl', { Status: 'fine' });
      expect(response.status).toBe(400);
      expect(response.text).toContain('Status: Invalid check status');
    });
  });

  describe('routing', () => {
    it('answers 404 text for an unknown route and 405 with Allow for a wrong method', async () => {
      const missing = await call(base, '/v1/nothing/here');
      expect(missing.status).toBe(404);
      expect(missing.headers.get('content-type')).toMatch(/^text\/plain/);
      const wrong = await call(base, '/v1/agent/service/register');
      expect(wrong.status).toBe(405);
      expect(wrong.headers.get('allow')).toBe('PUT');
    });

    it('answers 404 text for deregistering an unknown service ID', async () => {
      const response = await put(base, '/v1/agent/service/deregister/ghost');
      expect(response.status).toBe(404);
      expect(response.text).toContain('Unknown service ID "ghost"');
    });

    it('marks JSON answers as application/json', async () => {
      for (const path of [
        '/v1/agent/self',
        '/v1/agent/members',
        '/v1/catalog/nodes',
        '/v1/status/leader',
        '/v1/health/state/any',
      ]) {
        const response = await call(base, path);
        expect([path, response.status, response.headers.get('content-type')]).toEqual([path, 200, 'application/json']);
      }
    });

    it('decodes percent-encoded path segments (the npm client encodes "/" in KV keys)', async () => {
      await put(base, '/v1/kv/a%2Fb%20c', 'v');
      const [entry] = (await call(base, '/v1/kv/a/b c')).json<Array<{ Key: string }>>();
      expect(entry.Key).toBe('a/b c');
    });
  });

  describe('agent registration semantics', () => {
    it('replaces a re-registered service, keeping extra checks unless replace-existing-checks is set', async () => {
      await put(base, '/v1/agent/service/register', {
        Name: 'multi',
        ID: 'multi-1',
        Port: 1,
        Checks: [
          { TTL: '1m', CheckID: 'a' },
          { TTL: '1m', CheckID: 'b' },
        ],
      });
      await put(base, '/v1/agent/service/register', {
        Name: 'multi',
        ID: 'multi-1',
        Port: 2,
        Check: { TTL: '1m', CheckID: 'a' },
      });
      let [entry] = (await call(base, '/v1/health/service/multi')).json<HealthEntry[]>();
      expect(entry.Checks.map((c) => c.CheckID)).toEqual(['serfHealth', 'a', 'b']);
      expect((entry.Service as unknown as { Port: number }).Port).toBe(2);

      await put(base, '/v1/agent/service/register?replace-existing-checks', {
        Name: 'multi',
        ID: 'multi-1',
        Port: 2,
        Check: { TTL: '1m', CheckID: 'a' },
      });
      [entry] = (await call(base, '/v1/health/service/multi')).json<HealthEntry[]>();
      expect(entry.Checks.map((c) => c.CheckID)).toEqual(['serfHealth', 'a']);
    });

    it('filters health by every given tag', async () => {
      await put(base, '/v1/agent/service/register', { Name: 'tagged', ID: 't1', Tags: ['a', 'b'] });
      await put(base, '/v1/agent/service/register', { Name: 'tagged', ID: 't2', Tags: ['a'] });
      const ids = async (query: string) =>
        (await call(base, `/v1/health/service/tagged${query}`)).json<HealthEntry[]>().map((e) => e.Service.ID);
      expect(await ids('')).toEqual(['t1', 't2']);
      expect(await ids('?tag=a')).toEqual(['t1', 't2']);
      expect(await ids('?tag=a&tag=b')).toEqual(['t1']);
      expect(await ids('?tag=c')).toEqual([]);
      // A service without checks has only serfHealth, so it counts as passing.
      expect(await ids('?passing&tag=b')).toEqual(['t1']);
    });

    it('applies ?filter expressions to health, catalog and agent listings, and refuses bad ones', async () => {
      await put(base, '/v1/agent/service/register', { Name: 'flt', ID: 'flt-1', Meta: { version: '1' }, Tags: ['x'] });
      await put(base, '/v1/agent/service/register', { Name: 'flt', ID: 'flt-2', Meta: { version: '2' } });
      const query = `filter=${encodeURIComponent('Service.Meta.version == "2"')}`;
      const health = (await call(base, `/v1/health/service/flt?${query}`)).json<HealthEntry[]>();
      expect(health.map((e) => e.Service.ID)).toEqual(['flt-2']);
      const catalog = (
        await call(base, `/v1/catalog/service/flt?filter=${encodeURIComponent('"x" in ServiceTags')}`)
      ).json<Array<{ ServiceID: string }>>();
      expect(catalog.map((e) => e.ServiceID)).toEqual(['flt-1']);
      const agent = (
        await call(base, `/v1/agent/services?filter=${encodeURIComponent('Service == flt and Meta.version == "1"')}`)
      ).json();
      expect(Object.keys(agent as object)).toEqual(['flt-1']);

      const bad = await call(base, `/v1/health/service/flt?filter=${encodeURIComponent('Service.ID ==')}`);
      expect(bad.status).toBe(400);
      expect(bad.text).toMatch(/^filter: /);
    });

    it('serves a small HTML overview at /ui/ and redirects / to it', async () => {
      const page = await call(base, '/ui/');
      expect(page.status).toBe(200);
      expect(page.headers.get('content-type')).toMatch(/^text\/html/);
      expect(page.text).toContain('tagged');
      const root = await fetch(`${base}/`, { redirect: 'manual' });
      expect(root.status).toBe(301);
      expect(root.headers.get('location')).toBe('/ui/');
    });
  });
});

describe('ACL token', () => {
  let registry: DevRegistry;
  const token = 'test-token-123';

  beforeAll(async () => {
    registry = await startTestRegistry({ aclToken: token });
  });
  afterAll(() => registry.close());

  it('refuses requests without the token with 403 "Permission denied", and filters lists as Consul does', async () => {
    for (const path of ['/v1/agent/self', '/v1/kv/x']) {
      const response = await call(registry.url, path);
      expect([path, response.status, response.text]).toEqual([path, 403, 'Permission denied']);
    }
    expect((await call(registry.url, '/v1/health/service/web')).json()).toEqual([]);
    expect((await call(registry.url, '/v1/kv/x', { headers: { 'x-consul-token': 'wrong' } })).status).toBe(403);
    expect((await put(registry.url, '/v1/agent/service/register', { Name: 'web' })).status).toBe(403);
  });

  it('accepts the token as X-Consul-Token, Bearer or ?token=', async () => {
    const registered = await call(registry.url, '/v1/agent/service/register', {
      method: 'PUT',
      body: JSON.stringify({ Name: 'web' }),
      headers: { 'x-consul-token': token },
    });
    expect(registered.status).toBe(200);
    expect(
      (await call(registry.url, '/v1/agent/services', { headers: { authorization: `Bearer ${token}` } })).json(),
    ).toHaveProperty('web');
    expect((await call(registry.url, `/v1/health/service/web?token=${token}`)).status).toBe(200);
  });

  it('leaves the status endpoints open, as Consul does', async () => {
    expect((await call(registry.url, '/v1/status/leader')).status).toBe(200);
  });
});
