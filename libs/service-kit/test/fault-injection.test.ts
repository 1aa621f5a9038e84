import { randomBytes } from 'node:crypto';

import { createRegistry, type ServiceRegistry } from '@lab/discovery';
import { describeWithInfra, infra, waitFor } from '@lab/testing';

import { defineService, startService, type RunningService } from '../src';
import { quietLogger } from './support/example-service';

const ADMIN_TOKEN = 'fault-admin-token-0123456789';

/**
 * Fault injection from a service's live configuration in a real Consul KV store: what `npm run chaos`
 * writes there reaches the service's requests within a second, never its health, metrics or admin
 * routes; a bad value is refused and the last good one stays; removing it restores normal service.
 */
describeWithInfra(['consul'], 'fault injection from the live configuration [consul]', () => {
  const consulUrl = infra('consul').url as string;
  const name = `fault-service-${randomBytes(4).toString('hex')}`;
  let writer: ServiceRegistry;
  let service: RunningService;
  let handled = 0;

  beforeAll(async () => {
    writer = createRegistry({ backend: 'consul', consulUrl });
    service = await startService(
      defineService({
        name,
        defaultPort: 3997,
        routes(ctx) {
          ctx.app.get('/work', (_req, res) => void res.json({ handled: ++handled }));
        },
      }),
      {
        env: {
          PORT: '0',
          DISCOVERY_BACKEND: 'consul',
          CONSUL_URL: consulUrl,
          CHECK_INTERVAL: '1s',
          ADMIN_TOKEN,
          LOG_LEVEL: 'silent',
        },
        logger: quietLogger,
      },
    );
  });
  afterAll(async () => {
    for (const key of (await writer.kv!.list(`config/${name}/`)).keys()) await writer.kv!.delete(key);
    await service?.stop();
    await writer.close();
  });

  const put = (key: string, value: unknown) => writer.kv!.put(`config/${name}/${key}`, JSON.stringify(value));
  const get = (path: string, headers: Record<string, string> = {}) => fetch(`${service.url}${path}`, { headers });
  const admin = { authorization: `Bearer ${ADMIN_TOKEN}` };

  it('aborts every request at 100% with the status asked for, and spares health, metrics and admin', async () => {
    expect((await get('/work')).status).toBe(200);
    const before = handled;
    await put('fault/abort', { percentage: 100, httpStatus: 503 });
    await waitFor(async () => (await get('/work')).status === 503, { timeoutMs: 3000, description: 'the abort' });

    const aborted = await get('/work');
    expect(aborted.status).toBe(503);
    expect(aborted.headers.get('content-type')).toContain('application/problem+json');
    expect(handled).toBe(before); // the route never ran
    expect((await get('/health/ready')).status).toBe(200);
    expect((await get('/health/live')).status).toBe(200);
    const metrics = await (await get('/metrics', admin)).text();
    expect(metrics).toMatch(/fault_injections_total\{kind="abort",service="[^"]+"\} [1-9]/);
    const config = (await (await get('/admin/config', admin)).json()) as { values: Record<string, unknown> };
    expect(config.values['fault.abort.httpStatus']).toMatchObject({ value: 503, source: 'kv' });
  });

  it('refuses a bad value, keeps the last good fault in force, and says why', async () => {
    await put('fault/abort', { percentage: 150, httpStatus: 503 });
    await waitFor(
      async () => {
        const detail = (await (await get('/health/detailed', admin)).json()) as {
          config: { lastRejection?: { issues: { path: string }[] } };
        };
        return detail.config.lastRejection?.issues.some((i) => i.path === 'fault.abort.percentage');
      },
      { timeoutMs: 3000, description: 'the refusal' },
    );
    expect((await get('/work')).status).toBe(503);
  });

  it('delays requests by fixedDelayMs, and serves normally again once the fault is removed', async () => {
    await writer.kv!.delete(`config/${name}/fault/abort`);
    await put('fault/delay', { percentage: 100, fixedDelayMs: 300 });
    await waitFor(async () => (await get('/work')).headers.get('x-fault-delay-ms') === '300', {
      timeoutMs: 3000,
      description: 'the delay',
    });
    const started = Date.now();
    expect((await get('/work')).status).toBe(200);
    expect(Date.now() - started).toBeGreaterThanOrEqual(290);

    await writer.kv!.delete(`config/${name}/fault/delay`);
    await waitFor(async () => (await get('/work')).headers.get('x-fault-delay-ms') === null, {
      timeoutMs: 3000,
      description: 'the fault to be gone',
    });
    const quick = Date.now();
    expect((await get('/work')).status).toBe(200);
    expect(Date.now() - quick).toBeLessThan(250);
  });
});
