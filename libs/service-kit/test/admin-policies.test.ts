import { startStub } from '@lab/testing';
import { startExample, sendJson } from './support/example-service';
import type { MemoryRegistry } from '@lab/discovery';
import type { RunningService } from '../src';

const ADMIN_TOKEN = 'an-admin-token-for-policy-tests';

describe('POST /admin/policies/:name/force-open and /reset', () => {
  let service: RunningService;
  let registry: MemoryRegistry;
  let echo: Awaited<ReturnType<typeof startStub>>;

  beforeEach(async () => {
    ({ service, registry } = await startExample({ env: { ADMIN_TOKEN } }));
    echo = await startStub(registry, 'echo-service', (_req, res) => sendJson(res, 200, { requestId: 'seen' }));
  });
  afterEach(async () => {
    await service.stop();
    await echo.stop();
  });

  const post = (path: string, token: string | null = ADMIN_TOKEN) =>
    fetch(`${service.url}${path}`, {
      method: 'POST',
      headers: token === null ? {} : { authorization: `Bearer ${token}` },
    });

  it('holds the breaker open until reset, and calls fail fast meanwhile', async () => {
    expect((await fetch(`${service.url}/echo`)).status).toBe(200);

    const opened = await post('/admin/policies/echo-service/force-open');
    expect(opened.status).toBe(200);
    expect(await opened.json()).toMatchObject({ name: 'echo-service', state: 'open', forcedOpen: true });
    const refused = await fetch(`${service.url}/echo`);
    expect(refused.status).toBe(503);
    expect(((await refused.json()) as { detail: string }).detail).toMatch(/echo-service.*circuit open/);

    const reset = await post('/admin/policies/echo-service/reset');
    expect(await reset.json()).toMatchObject({ state: 'closed', forcedOpen: false });
    expect((await fetch(`${service.url}/echo`)).status).toBe(200);
  });

  it('needs the admin token, and names the policies there are when asked for another', async () => {
    await fetch(`${service.url}/echo`);
    expect((await post('/admin/policies/echo-service/force-open', null)).status).toBe(401);
    expect((await post('/admin/policies/echo-service/force-open', 'a-wrong-token-of-some-length')).status).toBe(403);

    const unknown = await post('/admin/policies/billing-service/force-open');
    expect(unknown.status).toBe(404);
    expect(((await unknown.json()) as { detail: string }).detail).toMatch(
      /no policy named billing-service.*policies: echo-service/,
    );

    const bad = await post('/admin/policies/not%20a%20name/reset');
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { errors: unknown }).errors).toEqual([
      expect.objectContaining({ field: 'params.name' }),
    ]);
  });

  it('does not exist without an ADMIN_TOKEN', async () => {
    const { service: open } = await startExample();
    try {
      const res = await fetch(`${open.url}/admin/policies/echo-service/force-open`, { method: 'POST' });
      expect(res.status).toBe(404);
    } finally {
      await open.stop();
    }
  });
});
