import { MemoryRegistry } from '../backends/memory-registry';
import { createBalancer } from '../balancers/create-balancer';
import { LeastOutstandingBalancer } from '../balancers/least-outstanding';
import { NoHealthyInstanceError, UpstreamConnectionError, UpstreamStatusError } from '../errors';
import type { CallPolicyLike } from '../types';
import type { TestInstance } from '../../test/support/http-instances';
import { sendJson, startInstance } from '../../test/support/http-instances';
import { freePort, waitFor } from '../../test/support/infra';
import { ServiceDirectory } from './service-directory';

describe('ServiceClient', () => {
  let registry: MemoryRegistry;
  let directory: ServiceDirectory | undefined;
  const instances: TestInstance[] = [];

  async function instance(id: string, handler: Parameters<typeof startInstance>[0]): Promise<TestInstance> {
    const started = await startInstance(handler);
    instances.push(started);
    await registry.register({ id, name: 'product-service', address: '127.0.0.1', port: started.port });
    return started;
  }

  const whoAmI = (id: string) => instance(id, (_req, res) => sendJson(res, 200, { id }));

  function open(o: Partial<ConstructorParameters<typeof ServiceDirectory>[0]> = {}) {
    directory = new ServiceDirectory({ registry, ...o });
    return directory.client('product-service');
  }

  beforeEach(() => (registry = new MemoryRegistry()));
  afterEach(async () => {
    await directory?.close();
    directory = undefined;
    await Promise.all(instances.splice(0).map((i) => i.close()));
    await registry.close();
  });

  it('spreads calls round-robin over the healthy instances', async () => {
    await whoAmI('p1');
    await whoAmI('p2');
    const client = open();
    const ids: unknown[] = [];
    for (let i = 0; i < 4; i++) ids.push((await client.get<{ id: string }>('/whoami')).body.id);
    expect(ids).toEqual(['p1', 'p2', 'p1', 'p2']);
  });

  it('asks for credentials per call for the service it calls, and a failure to get them tries no instance', async () => {
    const server = await instance('p1', (_req, res) => sendJson(res, 200, {}));
    const asked: string[] = [];
    let tokens = 0;
    const client = open({
      credentials: async (service) => {
        asked.push(service);
        if (tokens === 2) throw Object.assign(new Error('issuer down'), { code: 'SERVICE_CREDENTIAL_UNAVAILABLE' });
        return { authorization: `Bearer token-${++tokens}` };
      },
    });
    await client.get('/a');
    await client.get('/b', { headers: { authorization: 'Bearer chosen-by-the-caller' } });
    expect(server.requests.map((r) => r.headers.authorization)).toEqual([
      'Bearer token-1',
      'Bearer chosen-by-the-caller',
    ]);
    await expect(client.get('/c')).rejects.toMatchObject({ code: 'SERVICE_CREDENTIAL_UNAVAILABLE' });
    expect(server.requests).toHaveLength(2);
    expect(asked).toEqual(['product-service', 'product-service', 'product-service']);
  });

  it('stops sending to an instance once the registry reports it unhealthy', async () => {
    await whoAmI('p1');
    await whoAmI('p2');
    const client = open();
    await client.get('/whoami');
    registry.setHealth('p1', false);
    await waitFor(() => directory!.cache('product-service').instances().length === 1, { intervalMs: 10 });
    const ids = await Promise.all([1, 2, 3].map(async () => (await client.get<{ id: string }>('/')).body.id));
    expect(ids).toEqual(['p2', 'p2', 'p2']);
  });

  it('sends JSON with accept, outbound and caller headers, and returns status, headers and parsed body', async () => {
    const server = await instance('p1', (req, res) => sendJson(res, 201, { received: JSON.parse(req.body) }));
    const client = open({ outboundHeaders: () => ({ 'x-request-id': 'req-42' }) });

    const response = await client.post<{ received: unknown }>(
      '/items?x=1',
      { name: 'lamp', qty: 2 },
      { headers: { 'x-tenant': 't1' } },
    );

    expect(response.status).toBe(201);
    expect(response.body).toEqual({ received: { name: 'lamp', qty: 2 } });
    expect(response.headers['content-type']).toBe('application/json');
    const seen = server.requests[0];
    expect(seen.method).toBe('POST');
    expect(seen.url).toBe('/items?x=1');
    expect(seen.headers).toMatchObject({
      accept: 'application/json',
      'content-type': 'application/json',
      'x-request-id': 'req-42',
      'x-tenant': 't1',
    });
  });

  it('returns 4xx answers instead of throwing', async () => {
    await instance('p1', (_req, res) =>
      sendJson(res, 404, { title: 'Not Found', status: 404 }, 'application/problem+json'),
    );
    const response = await open().get('/products/nope');
    expect(response.status).toBe(404);
    expect(response.body).toEqual({ title: 'Not Found', status: 404 });
  });

  it('returns a body that is not JSON as text, and an empty body as undefined', async () => {
    await instance('p1', (req, res) => {
      if (req.url === '/text') {
        res.writeHead(200, { 'content-type': 'text/plain' });
        res.end('plain words');
      } else {
        res.writeHead(204);
        res.end();
      }
    });
    const client = open();
    expect((await client.get('/text')).body).toBe('plain words');
    expect((await client.delete('/thing')).body).toBeUndefined();
  });

  it('throws UpstreamStatusError for a 5xx answer, with the status and body', async () => {
    await instance('p1', (_req, res) => sendJson(res, 503, { detail: 'draining' }));
    const error = await open()
      .get('/')
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UpstreamStatusError);
    expect(error).toMatchObject({
      code: 'UPSTREAM_STATUS',
      status: 503,
      body: { detail: 'draining' },
      instanceId: 'p1',
    });
  });

  it('carries a Retry-After from the 5xx answer so a retry policy waits at least that long', async () => {
    await instance('p1', (_req, res) => {
      res.setHeader('retry-after', '2');
      sendJson(res, 503, {});
    });
    const error = await open()
      .get('/')
      .catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'UPSTREAM_STATUS', status: 503, retryAfterMs: 2000 });
  });

  it('throws UpstreamConnectionError when the instance refuses the connection', async () => {
    await registry.register({ id: 'gone', name: 'product-service', address: '127.0.0.1', port: await freePort() });
    const error = await open()
      .get('/')
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UpstreamConnectionError);
    expect(error).toMatchObject({ code: 'UPSTREAM_CONNECTION', instanceId: 'gone' });
    expect((error as Error).message).toMatch(/ECONNREFUSED/);
  });

  it('gives up after timeoutMs when there is no policy', async () => {
    await instance('p1', () => undefined); // never answers
    const started = Date.now();
    const error = await open({ timeoutMs: 100 })
      .get('/slow')
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UpstreamConnectionError);
    expect((error as Error).message).toMatch(/timed out/);
    expect(Date.now() - started).toBeLessThan(1500);
  });

  it('throws NoHealthyInstanceError when the registry knows no healthy instance', async () => {
    await registry.register({ id: 'p1', name: 'product-service', address: '127.0.0.1', port: 1 });
    registry.setHealth('p1', false);
    const error = await open()
      .get('/')
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(NoHealthyInstanceError);
    expect(error).toMatchObject({ code: 'NO_HEALTHY_INSTANCE', service: 'product-service' });
  });

  it('waits for the first registry answer instead of failing a call made right at start-up', async () => {
    await whoAmI('p1');
    const client = open();
    // The cache was created by client(); the watch has not answered yet.
    expect(directory!.cache('product-service').loaded).toBe(false);
    expect((await client.get('/')).status).toBe(200);
  });

  it('waits for the first registry answer only once when the registry stays silent', async () => {
    // A registry whose watch never answers, like one that is down when the process starts.
    registry.watch = () => ({ close: () => undefined });
    const client = open({ timeoutMs: 100 });
    const started = Date.now();
    await expect(client.get('/')).rejects.toBeInstanceOf(NoHealthyInstanceError);
    expect(Date.now() - started).toBeGreaterThanOrEqual(90);
    const again = Date.now();
    await expect(client.get('/')).rejects.toBeInstanceOf(NoHealthyInstanceError);
    expect(Date.now() - again).toBeLessThan(50);
  });

  it('runs every call through the service policy with the right idempotent flag', async () => {
    await whoAmI('p1');
    const calls: Array<{ service: string; idempotent: boolean }> = [];
    const policyFor = jest.fn((service: string): CallPolicyLike => ({
      execute: (fn, opts) => {
        calls.push({ service, idempotent: opts.idempotent });
        return fn(new AbortController().signal);
      },
    }));
    const client = open({ policyFor });

    await client.get('/');
    await client.request({ method: 'head', path: '/' });
    await client.put('/', {});
    await client.delete('/');
    await client.post('/', {});
    await client.request({ method: 'PATCH', path: '/', body: {} });
    await client.post('/', {}, { idempotent: true });
    await client.get('/', { idempotent: false });

    expect(calls.map((c) => c.idempotent)).toEqual([true, true, true, true, false, false, true, false]);
    expect(calls.every((c) => c.service === 'product-service')).toBe(true);
    expect(policyFor).toHaveBeenCalledTimes(1);
  });

  it('lets a retrying policy land on the other instance', async () => {
    const failing = await instance('p1', (_req, res) => sendJson(res, 500, { error: 'boom' }));
    const healthy = await instance('p2', (_req, res) => sendJson(res, 200, { id: 'p2' }));
    const retryOnce: CallPolicyLike = {
      async execute(fn) {
        try {
          return await fn(new AbortController().signal);
        } catch {
          return fn(new AbortController().signal);
        }
      },
    };
    const response = await open({ policyFor: () => retryOnce }).get<{ id: string }>('/');
    expect(response.body.id).toBe('p2');
    expect(failing.requests).toHaveLength(1);
    expect(healthy.requests).toHaveLength(1);
  });

  it('aborts the attempt when the policy signal fires', async () => {
    await instance('p1', () => undefined);
    const abortAfter50ms: CallPolicyLike = { execute: (fn) => fn(AbortSignal.timeout(50)) };
    const error = await open({ policyFor: () => abortAfter50ms })
      .get('/')
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UpstreamConnectionError);
    expect((error as Error).message).toMatch(/timed out/);
  });

  const retrying = (attempts: number): CallPolicyLike => ({
    async execute(fn) {
      for (let attempt = 1; ; attempt++) {
        try {
          return await fn(new AbortController().signal);
        } catch (error) {
          if (attempt >= attempts) throw error;
        }
      }
    },
  });

  it('sends a retry to an instance this call has not tried, whatever the balancer prefers', async () => {
    const failing = await instance('p1', (_req, res) => sendJson(res, 500, { error: 'boom' }));
    const healthy = await instance('p2', (_req, res) => sendJson(res, 200, { id: 'p2' }));
    // A "random" balancer that always draws the first instance.
    const client = open({
      policyFor: () => retrying(3),
      balancer: () => createBalancer('random', { random: () => 0 }),
    });
    expect((await client.get<{ id: string }>('/')).body.id).toBe('p2');
    expect([failing.requests.length, healthy.requests.length]).toEqual([1, 1]);
  });

  it('starts over on the instances already tried when a policy allows more attempts than there are instances', async () => {
    const failing = await instance('p1', (_req, res) => sendJson(res, 503, {}));
    const error = await open({ policyFor: () => retrying(3) })
      .get('/')
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UpstreamStatusError);
    expect(failing.requests).toHaveLength(3);
  });

  it('ejects an instance that keeps answering 5xx, shows it in the snapshot, and takes it back after the ejection', async () => {
    let now = Date.parse('2030-01-01T00:00:00.000Z');
    const broken = await instance('p1', (_req, res) => sendJson(res, 500, {}));
    await whoAmI('p2');
    const client = open({ outlier: { consecutiveFailures: 2, baseEjectionMs: 10_000, now: () => now } });
    const outcomes: string[] = [];
    for (let i = 0; i < 8; i++) {
      outcomes.push(
        await client.get<{ id: string }>('/').then(
          (r) => r.body.id,
          (e: { code: string }) => e.code,
        ),
      );
    }
    // Round-robin sends every other call to p1 until its second 5xx in a row; then only p2 answers.
    expect(outcomes).toEqual(['UPSTREAM_STATUS', 'p2', 'UPSTREAM_STATUS', 'p2', 'p2', 'p2', 'p2', 'p2']);
    expect(directory!.snapshot()).toEqual([
      expect.objectContaining({
        service: 'product-service',
        instances: 2,
        balancer: 'round-robin',
        ejected: [{ id: 'p1', until: '2030-01-01T00:00:10.000Z', ejections: 1 }],
      }),
    ]);

    now += 10_000;
    await client.get('/').catch(() => undefined);
    await client.get('/').catch(() => undefined);
    expect(broken.requests).toHaveLength(3);
  });

  it('counts a timed-out attempt against the instance, but not a call its caller cancelled', async () => {
    await instance('p1', () => undefined); // never answers
    await whoAmI('p2');
    const cancelled: CallPolicyLike = {
      execute: (fn) => {
        const controller = new AbortController();
        setTimeout(() => controller.abort(new Error('caller left')), 20);
        return fn(controller.signal);
      },
    };
    const client = open({ policyFor: () => cancelled, outlier: { consecutiveFailures: 1 } });
    await expect(client.get('/')).rejects.toThrow(/aborted/);
    expect(directory!.snapshot()[0].ejected).toEqual([]);
    await directory!.close();

    const timing = open({ timeoutMs: 50, outlier: { consecutiveFailures: 1 } });
    await expect(timing.get('/')).rejects.toThrow(/timed out/);
    expect(directory!.snapshot()[0].ejected.map((e) => e.id)).toEqual(['p1']);
  });

  it('spreads calls by meta.weight with the weighted balancer', async () => {
    const heavy = await startInstance((_req, res) => sendJson(res, 200, { id: 'heavy' }));
    const light = await startInstance((_req, res) => sendJson(res, 200, { id: 'light' }));
    instances.push(heavy, light);
    await registry.register({
      id: 'heavy',
      name: 'product-service',
      address: '127.0.0.1',
      port: heavy.port,
      meta: { weight: '3' },
    });
    await registry.register({ id: 'light', name: 'product-service', address: '127.0.0.1', port: light.port });
    const client = open({ balancer: () => createBalancer('weighted') });
    await directory!.cache('product-service').ready(1000);
    await waitFor(() => directory!.cache('product-service').instances().length === 2, { intervalMs: 10 });
    for (let i = 0; i < 8; i++) await client.get('/');
    expect([heavy.requests.length, light.requests.length]).toEqual([6, 2]);
    expect(directory!.snapshot()[0].balancer).toBe('weighted');
  });

  it('tells a least-outstanding balancer when each attempt starts and ends, failures included', async () => {
    let release!: () => void;
    const released = new Promise<void>((resolve) => (release = resolve));
    await instance('p1', (_req, res) => void released.then(() => sendJson(res, 200, { id: 'p1' })));
    await instance('p2', (req, res) => sendJson(res, req.url === '/fail' ? 500 : 200, { id: 'p2' }));
    const balancer = new LeastOutstandingBalancer();
    const client = open({ balancer: () => balancer });
    await directory!.cache('product-service').ready(1000);
    await waitFor(() => directory!.cache('product-service').instances().length === 2, { intervalMs: 10 });

    const slow = client.get('/');
    await waitFor(() => balancer.inFlight('p1') === 1, { intervalMs: 10 });
    // p1 is busy: everything else goes to p2, and each call there ends before the next starts.
    const ids: string[] = [];
    for (let i = 0; i < 3; i++) ids.push((await client.get<{ id: string }>('/')).body.id);
    await expect(client.get('/fail')).rejects.toBeInstanceOf(UpstreamStatusError);
    expect(ids).toEqual(['p2', 'p2', 'p2']);
    expect(balancer.inFlight('p2')).toBe(0);

    release();
    await slow;
    expect(balancer.inFlight('p1')).toBe(0);
  });

  it('prefers instances in its own zone when given one', async () => {
    const near = await startInstance((_req, res) => sendJson(res, 200, { id: 'near' }));
    const far = await startInstance((_req, res) => sendJson(res, 200, { id: 'far' }));
    instances.push(near, far);
    await registry.register({
      id: 'a-far',
      name: 'product-service',
      address: '127.0.0.1',
      port: far.port,
      meta: { zone: 'eu-2' },
    });
    await registry.register({
      id: 'b-near',
      name: 'product-service',
      address: '127.0.0.1',
      port: near.port,
      meta: { zone: 'eu-1' },
    });
    const client = open({ zone: 'eu-1' });
    await waitFor(() => directory!.cache('product-service').instances().length === 2, { intervalMs: 10 });
    for (let i = 0; i < 4; i++) await client.get('/');
    expect([near.requests.length, far.requests.length]).toEqual([4, 0]);
    expect(directory!.snapshot()[0].balancer).toBe('round-robin, prefer zone=eu-1');

    registry.setHealth('b-near', false);
    await waitFor(() => directory!.cache('product-service').instances().length === 1, { intervalMs: 10 });
    await client.get('/');
    expect(far.requests).toHaveLength(1);
  });

  it('rejects a path that does not start with a slash', async () => {
    await expect(open().get('products')).rejects.toThrow(TypeError);
  });
});
