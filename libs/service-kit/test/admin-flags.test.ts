import { rolloutBucket } from '@lab/config';
import { waitFor } from '@lab/testing';
import { startLive, type LiveHarness } from './support/live-service';

const ADMIN_TOKEN = 'an-admin-token-for-flag-tests';
const auth = { authorization: `Bearer ${ADMIN_TOKEN}` };

describe('GET /admin/flags/:name/explain', () => {
  let h: LiveHarness;
  beforeEach(async () => {
    h = await startLive({ ADMIN_TOKEN });
  });
  afterEach(async () => {
    await h.service.stop();
  });

  const explain = async (query: string) => {
    const response = await h.get(`/admin/flags/shout/explain${query}`, auth);
    expect(response.status).toBe(200);
    return (await response.json()) as Record<string, unknown>;
  };
  /** The route that reads the flag for real (role customer): what the explanation must agree with. */
  const shouts = async (user: string) => (await h.json<{ text: string }>(`/greeting?user=${user}`)).text === 'HELLO';

  it('says why a user gets the flag or not, as the service itself decides', async () => {
    await h.set('flags/shout', { enabled: true, roles: ['admin'], rolloutPercent: 30 });
    await waitFor(() => h.service.ctx.configStore.status().version === 2, { timeoutMs: 1000 });

    // An empty parameter, as a shell function sends one it was not given, means none.
    const noRole = await explain('?userId=u-1&role=');
    expect(noRole.subject).toEqual({ userId: 'u-1' });
    expect(noRole.reason).toBe('rollout-in'); // bucket 205 of 10 000, below 3000
    expect(await explain('?userId=u-1&role=admin')).toMatchObject({
      flag: 'shout',
      subject: { userId: 'u-1', role: 'admin' },
      enabled: true,
      reason: 'role-listed',
      definition: { enabled: true, roles: ['admin'], rolloutPercent: 30 },
    });

    // Customers go by their bucket: the explanation names it and the threshold, and the route agrees.
    const users = Array.from({ length: 40 }, (_, i) => `user-${i}`);
    const outcomes = new Set<boolean>();
    for (const user of users) {
      const body = await explain(`?userId=${user}&role=customer`);
      const bucket = rolloutBucket('shout', user);
      expect(body).toMatchObject({
        enabled: bucket < 3000,
        reason: bucket < 3000 ? 'rollout-in' : 'rollout-out',
        rollout: { percent: 30, threshold: 3000, buckets: 10_000, bucket },
      });
      expect(body.enabled).toBe(await shouts(user));
      outcomes.add(body.enabled as boolean);
    }
    expect([...outcomes].sort()).toEqual([false, true]);

    await h.set('flags/shout', { enabled: true, roles: ['admin'], rolloutPercent: 30, killSwitch: true });
    await waitFor(() => h.service.ctx.configStore.status().version === 3, { timeoutMs: 1000 });
    expect(await explain('?userId=u-1&role=admin')).toMatchObject({
      enabled: false,
      reason: 'kill-switch',
      detail: 'the kill switch is pulled: off for everyone',
    });
  });

  it('keeps explaining the last good definition when a change is refused', async () => {
    await h.set('flags/shout', { enabled: true, users: ['u-7'] });
    await waitFor(() => h.service.ctx.configStore.status().version === 2, { timeoutMs: 1000 });
    await h.set('flags/shout', { enabled: true, users: ['u-7'], rollout: 50 });
    await waitFor(() => h.service.ctx.configStore.status().rejections === 1, { timeoutMs: 1000 });
    expect(await explain('?userId=u-7')).toMatchObject({ enabled: true, reason: 'user-listed' });
    expect(await explain('?userId=u-8')).toMatchObject({ enabled: false, reason: 'rollout-none' });
  });

  it('refuses a bad query as a problem naming the field, and an unknown flag with those there are', async () => {
    await h.set('flags/shout', { enabled: true });
    await waitFor(() => h.service.ctx.configStore.status().version === 2, { timeoutMs: 1000 });

    const typo = await h.get('/admin/flags/shout/explain?user=u-1', auth);
    expect(typo.status).toBe(400);
    expect(typo.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(((await typo.json()) as { errors: { field: string }[] }).errors).toEqual([
      expect.objectContaining({ field: 'query' }),
    ]);
    const badRole = await h.get('/admin/flags/shout/explain?role=a%20b', auth);
    expect(badRole.status).toBe(400);
    expect(((await badRole.json()) as { errors: { field: string }[] }).errors).toEqual([
      expect.objectContaining({ field: 'query.role' }),
    ]);
    const twice = await h.get('/admin/flags/shout/explain?userId=a&userId=b', auth);
    expect(twice.status).toBe(400);
    expect(((await twice.json()) as { errors: { field: string }[] }).errors).toEqual([
      expect.objectContaining({ field: 'query.userId' }),
    ]);

    const unknown = await h.get('/admin/flags/shuot/explain?userId=u-1', auth);
    expect(unknown.status).toBe(404);
    expect(((await unknown.json()) as { detail: string }).detail).toBe(
      'there is no flag named shuot here (flags: shout)',
    );
  });

  it('needs the admin token', async () => {
    expect((await h.get('/admin/flags/shout/explain')).status).toBe(401);
    expect((await h.get('/admin/flags/shout/explain', { authorization: 'Bearer a-wrong-token-here' })).status).toBe(
      403,
    );
  });
});
