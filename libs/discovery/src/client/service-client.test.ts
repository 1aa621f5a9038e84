import { MemoryRegistry } from '../backends/memory-registry';
import { NoHealthyInstanceError, UpstreamConnectionError, UpstreamStatusError } from '../errors';
import type { CallPolicyLike } from '../types';
import type { TestInstance } from '../../test/support/http-instances';
import { closedPort, eventually, sendJson, startInstance } from '../../test/support/http-instances';
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

  it('stops sending to an instance once the registry reports it unhealthy', async () => {
    await whoAmI('p1');
    await whoAmI('p2');
    const client = open();
    await client.get('/whoami');
    registry.setHealth('p1', false);
    await eventually(() => directory!.cache('product-service').instances().length === 1);
    const ids = await Promise.all([1, 2, 3].map(async () => (await client.get<{ id: string }>('/')).body.id));
    expect(ids).toEqual(['p2', 'p2', 'p2']);
  });

  it('sends JSON with accept, outbound and caller headers, and returns status, headers and parsed body', async () => {
    const server = await instance('p1', (req, res) => sendJson(res, 201, { received: JSON.parse(req.body) }));
    const client = open({ outboundHeaders: () => ({ 'x-request-id': 'req-42' }) });

    const response = await client.post<{ received: unknown }>('/items?x=1', { name: 'lamp', qty: 2 }, { headers: { 'x-tenant': 't1' } });

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
    await instance('p1', (_req, res) => sendJson(res, 404, { title: 'Not Found', status: 404 }, 'application/problem+json'));
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
    const error = await open().get('/').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UpstreamStatusError);
    expect(error).toMatchObject({ code: 'UPSTREAM_STATUS', status: 503, body: { detail: 'draining' }, instanceId: 'p1' });
  });

  it('throws UpstreamConnectionError when the instance refuses the connection', async () => {
    await registry.register({ id: 'gone', name: 'product-service', address: '127.0.0.1', port: await closedPort() });
    const error = await open().get('/').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UpstreamConnectionError);
    expect(error).toMatchObject({ code: 'UPSTREAM_CONNECTION', instanceId: 'gone' });
    expect((error as Error).message).toMatch(/ECONNREFUSED/);
  });

  it('gives up after timeoutMs when there is no policy', async () => {
    await instance('p1', () => undefined); // never answers
    const started = Date.now();
    const error = await open({ timeoutMs: 100 }).get('/slow').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UpstreamConnectionError);
    expect((error as Error).message).toMatch(/timed out/);
    expect(Date.now() - started).toBeLessThan(1500);
  });

  it('throws NoHealthyInstanceError when the registry knows no healthy instance', async () => {
    await registry.register({ id: 'p1', name: 'product-service', address: '127.0.0.1', port: 1 });
    registry.setHealth('p1', false);
    const error = await open().get('/').catch((e: unknown) => e);
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
    const error = await open({ policyFor: () => abortAfter50ms }).get('/').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UpstreamConnectionError);
    expect((error as Error).message).toMatch(/timed out/);
  });

  it('rejects a path that does not start with a slash', async () => {
    await expect(open().get('products')).rejects.toThrow(TypeError);
  });
});
