// The registry runs HTTP, TCP and TTL checks itself and reaps services left critical.
import type { DevRegistry } from '../src/index';
import { call, checkStatus, put, startTarget, startTcpTarget, startTestRegistry } from './helpers';
import { waitFor } from '@lab/common';

describe('health checks run by the registry', () => {
  let registry: DevRegistry;
  let base: string;

  beforeAll(async () => {
    registry = await startTestRegistry({ minCheckIntervalMs: 50 });
    base = registry.url;
  });
  afterAll(() => registry.close());

  const becomes = (service: string, checkId: string, status: string | undefined, timeoutMs = 3_000) =>
    waitFor(async () => ((await checkStatus(base, service, checkId)) === status ? true : undefined), {
      timeoutMs: timeoutMs,
      intervalMs: 20,
      description: `${checkId} to be ${status ?? 'gone'}`,
    });

  it('flips an HTTP check as the target changes its answer (2xx passing, 429 warning, 5xx critical)', async () => {
    const target = await startTarget(200);
    try {
      const registered = await put(base, '/v1/agent/service/register', {
        Name: 'http-svc',
        ID: 'http-1',
        Check: { HTTP: target.url, Interval: '50ms', Timeout: '1s' },
      });
      expect(registered.status).toBe(200);
      await becomes('http-svc', 'service:http-1', 'passing');
      target.status = 503;
      await becomes('http-svc', 'service:http-1', 'critical');
      target.status = 429;
      await becomes('http-svc', 'service:http-1', 'warning');
      target.status = 204;
      await becomes('http-svc', 'service:http-1', 'passing');
    } finally {
      await target.close();
    }
    // A target that went away is critical too.
    await becomes('http-svc', 'service:http-1', 'critical');
  });

  it('sends the configured method and headers', async () => {
    const http = await import('node:http');
    const seen: Array<{ method?: string; probe?: string | string[]; agent?: string }> = [];
    const server = http.createServer((req, res) => {
      seen.push({ method: req.method, probe: req.headers['x-probe'], agent: req.headers['user-agent'] });
      res.end('ok');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as { port: number };
    try {
      await put(base, '/v1/agent/service/register', {
        Name: 'method-svc',
        Check: { HTTP: `http://127.0.0.1:${port}/`, Method: 'HEAD', Header: { 'X-Probe': ['yes'] }, Interval: '1s' },
      });
      await waitFor(() => (seen.length > 0 ? true : undefined), { timeoutMs: 3000, intervalMs: 20 });
      expect(seen[0]).toEqual({ method: 'HEAD', probe: 'yes', agent: 'Consul Health Check' });
    } finally {
      await put(base, '/v1/agent/service/deregister/method-svc');
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    }
  });

  it('passes a TCP check while the port listens, and fails it once the port closes', async () => {
    const target = await startTcpTarget();
    await put(base, '/v1/agent/service/register', {
      Name: 'tcp-svc',
      ID: 'tcp-1',
      Check: { TCP: target.address, Interval: '50ms', Timeout: '500ms' },
    });
    await becomes('tcp-svc', 'service:tcp-1', 'passing');
    await target.close();
    await becomes('tcp-svc', 'service:tcp-1', 'critical');
  });

  it('expires a TTL check that is not updated in time, and revives it on the next pass', async () => {
    await put(base, '/v1/agent/service/register', {
      Name: 'ttl-svc',
      ID: 'ttl-1',
      Check: { TTL: '300ms', Status: 'passing' },
    });
    expect(await checkStatus(base, 'ttl-svc', 'service:ttl-1')).toBe('passing');
    await becomes('ttl-svc', 'service:ttl-1', 'critical');
    const checks = (await call(base, '/v1/health/checks/ttl-svc')).json<Array<{ Output: string }>>();
    expect(checks[0].Output).toBe('TTL expired');

    expect(
      (await put(base, '/v1/agent/check/update/service:ttl-1', { Status: 'warning', Output: 'degraded' })).status,
    ).toBe(200);
    expect(await checkStatus(base, 'ttl-svc', 'service:ttl-1')).toBe('warning');
    await becomes('ttl-svc', 'service:ttl-1', 'critical');
  });

  it('reaps a service whose check stays critical past DeregisterCriticalServiceAfter', async () => {
    await put(base, '/v1/agent/service/register', {
      Name: 'doomed',
      ID: 'doomed-1',
      Check: { TCP: '127.0.0.1:1', Interval: '50ms', Timeout: '200ms', DeregisterCriticalServiceAfter: '300ms' },
    });
    // A neighbour that keeps passing must survive.
    await put(base, '/v1/agent/service/register', {
      Name: 'doomed',
      ID: 'doomed-2',
      Check: { TTL: '1m', Status: 'passing', DeregisterCriticalServiceAfter: '300ms' },
    });
    const started = Date.now();
    await waitFor(
      async () => {
        const services = (await call(base, '/v1/agent/services')).json<Record<string, unknown>>();
        return 'doomed-1' in services ? undefined : services;
      },
      { timeoutMs: 3_000, intervalMs: 20, description: 'doomed-1 to be reaped' },
    );
    expect(Date.now() - started).toBeGreaterThanOrEqual(250);
    const left = (await call(base, '/v1/catalog/service/doomed')).json<Array<{ ServiceID: string }>>();
    expect(left.map((s) => s.ServiceID)).toEqual(['doomed-2']);
  });

  it('does not reap a service whose check recovers in time', async () => {
    await put(base, '/v1/agent/service/register', {
      Name: 'survivor',
      ID: 'survivor-1',
      Check: { TTL: '1m', DeregisterCriticalServiceAfter: '400ms' },
    });
    await new Promise((r) => setTimeout(r, 150));
    await put(base, '/v1/agent/check/pass/service:survivor-1');
    await new Promise((r) => setTimeout(r, 500));
    expect((await call(base, '/v1/agent/services')).json<Record<string, unknown>>()).toHaveProperty('survivor-1');
  });

  it('refuses pass/fail for an unknown check (404) or one that is not TTL (400)', async () => {
    const unknown = await put(base, '/v1/agent/check/pass/nope');
    expect(unknown.status).toBe(404);
    expect(unknown.headers.get('content-type')).toContain('text/plain');
    await put(base, '/v1/agent/service/register', { Name: 'probed', Check: { TCP: '127.0.0.1:1', Interval: '1s' } });
    const notTtl = await put(base, '/v1/agent/check/fail/service:probed');
    expect(notTtl.status).toBe(400);
    expect(notTtl.text).toContain('not a TTL check');
  });
});
