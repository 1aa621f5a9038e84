import { startStub, waitFor } from '@lab/testing';
import { sendJson } from './support/example-service';
import { startLive, type LiveHarness } from './support/live-service';

const ADMIN_TOKEN = 'an-admin-token-for-tests';

describe('live configuration', () => {
  let h: LiveHarness;
  beforeEach(async () => {
    h = await startLive({ ADMIN_TOKEN, DATABASE_URL: 'postgres://app:db-password@127.0.0.1:5432/app' });
  });
  afterEach(async () => {
    await h.service.stop();
  });

  it('applies a valid KV change without a restart', async () => {
    expect(await h.json('/greeting')).toEqual({ text: 'hello' });
    await h.set('greeting/text', 'bonjour');
    await waitFor(async () => (await h.json<{ text: string }>('/greeting')).text === 'bonjour', { timeoutMs: 1000 });
    expect(h.service.ctx.configStore.status().version).toBe(2);
  });

  it('rejects an invalid change, keeps the last valid configuration and stays ready', async () => {
    await h.set('greeting/text', 42);
    await waitFor(() => h.service.ctx.configStore.status().rejections === 1, { timeoutMs: 1000 });
    expect(await h.json('/greeting')).toEqual({ text: 'hello' });
    expect((await h.get('/health/ready')).status).toBe(200);

    const detailed = await h.json<{ config: Record<string, unknown>; checks: Record<string, { status: string }> }>(
      '/health/detailed',
    );
    expect(detailed.config).toMatchObject({
      rejections: 1,
      lastRejection: { source: 'kv', issues: [{ path: 'greeting.text' }] },
    });
    await waitFor(async () => (await h.json<typeof detailed>('/health/detailed')).checks.config?.status === 'fail', {
      timeoutMs: 3000,
    });
    expect((await h.get('/health/ready')).status).toBe(200);

    const metrics = await (await h.get('/metrics')).text();
    expect(metrics).toMatch(/^config_rejections_total\{[^}]*\} 1$/m);

    // Fixing the value applies it, and the warning clears.
    await h.set('greeting/text', 'hola');
    await waitFor(async () => (await h.json<{ text: string }>('/greeting')).text === 'hola', { timeoutMs: 1000 });
    await waitFor(async () => (await h.json<typeof detailed>('/health/detailed')).checks.config?.status === 'pass', {
      timeoutMs: 3000,
    });
  });

  it('evaluates feature flags from the KV store per user, and refuses an invalid flag', async () => {
    expect(await h.json('/greeting?user=u1')).toEqual({ text: 'hello' });
    await h.set('flags/shout', { enabled: true, users: ['u1'], rolloutPercent: 0 });
    await waitFor(async () => (await h.json<{ text: string }>('/greeting?user=u1')).text === 'HELLO', {
      timeoutMs: 1000,
    });
    expect(await h.json('/greeting?user=u2')).toEqual({ text: 'hello' });

    await h.set('flags/shout', { enabled: true, rolloutPercent: 150 });
    await waitFor(() => h.service.ctx.configStore.status().rejections === 1, { timeoutMs: 1000 });
    expect(h.service.ctx.configStore.status().lastRejection?.issues).toEqual([
      { path: 'flags.shout.rolloutPercent', message: expect.any(String) },
    ]);
    expect(await h.json('/greeting?user=u2')).toEqual({ text: 'hello' });
  });

  it('changes the log level live when no LOG_LEVEL fixes it', async () => {
    await h.service.stop();
    h = await startLive({ LOG_LEVEL: undefined });
    // The test's own logger is silent; 'fatal' keeps the output clean while proving the switch.
    expect(h.service.ctx.log.level).toBe('silent');
    await h.set('logLevel', 'fatal');
    await waitFor(() => h.service.ctx.log.level === 'fatal', { timeoutMs: 1000 });
  });

  describe('GET /admin/config', () => {
    it('answers 401 without a token and 403 with a wrong one, as problems', async () => {
      const missing = await h.get('/admin/config');
      expect(missing.status).toBe(401);
      expect(missing.headers.get('content-type')).toMatch(/^application\/problem\+json/);
      expect(missing.headers.get('www-authenticate')).toMatch(/^Bearer/);
      const wrong = await h.get('/admin/config', { authorization: 'Bearer not-the-admin-token' });
      expect(wrong.status).toBe(403);
      expect(await wrong.json()).toMatchObject({ status: 403, instance: '/admin/config' });
    });

    it('shows every setting with its source and the status, secrets redacted', async () => {
      await h.set('greeting/text', 'hi there');
      await waitFor(async () => (await h.json<{ text: string }>('/greeting')).text === 'hi there', { timeoutMs: 1000 });
      const response = await h.get('/admin/config', { authorization: `Bearer ${ADMIN_TOKEN}` });
      expect(response.status).toBe(200);
      const body = (await response.json()) as Record<string, Record<string, unknown>>;
      expect(body.values['greeting.text']).toEqual({ value: 'hi there', source: 'kv' });
      expect(body.values['greeting.apiSecret']).toEqual({ value: '[redacted]', source: 'default' });
      expect(body.values['resilience']).toBeUndefined();
      expect(body.status).toMatchObject({ version: 2, rejections: 0, kv: { kind: 'memory', connected: true } });
      expect(body.environment).toMatchObject({ ADMIN_TOKEN: '[redacted]', DATABASE_URL: '[redacted]', PORT: 0 });
      const text = JSON.stringify(body);
      for (const secret of [ADMIN_TOKEN, 'db-password', 's3cret-default']) expect(text).not.toContain(secret);
    });
  });
});

describe('GET /admin/config without ADMIN_TOKEN', () => {
  it('does not exist', async () => {
    const h = await startLive();
    try {
      const response = await h.get('/admin/config', { authorization: 'Bearer anything-at-all-here' });
      expect(response.status).toBe(404);
    } finally {
      await h.service.stop();
    }
  });
});

describe('call policies from the live configuration', () => {
  let h: LiveHarness;
  let echo: Awaited<ReturnType<typeof startStub>>;
  let delayMs = 0;
  let calls = 0;

  beforeEach(async () => {
    delayMs = 0;
    calls = 0;
    h = await startLive({ GREETING_TEXT: 'from-env' });
    echo = await startStub(h.registry, 'echo-service', (_req, res) => {
      calls += 1;
      setTimeout(() => sendJson(res, 200, { ok: true }), delayMs);
    });
  });
  afterEach(async () => {
    await echo.stop();
    await h.service.stop();
  });

  it('reads mapped environment variables above the files', async () => {
    expect(await h.json('/greeting')).toEqual({ text: 'from-env' });
  });

  it('follows a timeout change at once, and exports the policy metrics', async () => {
    delayMs = 300;
    await waitFor(async () => (await h.get('/echo')).status === 200, { timeoutMs: 3000 });
    await h.set('resilience/echo-service', { timeoutMs: 50, retry: { maxAttempts: 1 } });
    await waitFor(async () => (await h.get('/echo')).status === 503, { timeoutMs: 1000 });
    const problem = (await (await h.get('/echo')).json()) as { detail: string };
    expect(problem.detail).toMatch(/echo-service/);

    const metrics = await (await h.get('/metrics')).text();
    expect(metrics).toMatch(/^resilience_circuit_state\{[^}]*policy="echo-service"[^}]*state="closed"[^}]*\} [01]$/m);
    expect(metrics).toMatch(/^resilience_retries_enabled\{[^}]*policy="echo-service"[^}]*\} 1$/m);
    expect(metrics).toMatch(/^discovery_cache_stale\{[^}]*service="echo-service"[^}]*\} 0$/m);
    expect(metrics).toMatch(/^discovery_instances\{[^}]*service="echo-service"[^}]*\} 1$/m);
  });

  it('gives a policy setting removed from the configuration back its default', async () => {
    delayMs = 300;
    await h.set('resilience/echo-service/timeoutMs', 50);
    await h.set('resilience/echo-service/retry', { maxAttempts: 1 });
    await waitFor(async () => (await h.get('/echo')).status === 503, { timeoutMs: 1000 });
    await h.kv.delete('config/live-service/resilience/echo-service/timeoutMs');
    await waitFor(async () => (await h.get('/echo')).status === 200, { timeoutMs: 3000 });
  });

  it('rejects policy settings the policy would refuse, keeping the running policy', async () => {
    await h.set('resilience/echo-service/retry', { baseDelayMs: 5000 });
    await waitFor(() => h.service.ctx.configStore.status().rejections === 1, { timeoutMs: 1000 });
    expect(h.service.ctx.configStore.status().lastRejection?.issues[0].path).toBe(
      'resilience.echo-service.retry.maxDelayMs',
    );
    expect((await h.get('/echo')).status).toBe(200);
  });

  it('never retries in mesh mode', async () => {
    const failingEcho = async () => {
      await echo.stop();
      echo = await startStub(h.registry, 'echo-service', (req) => {
        calls += 1;
        // A dropped connection: an idempotent GET is normally retried after it.
        req.socket.destroy();
      });
      await waitFor(() =>
        h.service.ctx.services
          .cache('echo-service')
          .instances()
          .some((i) => i.id === echo.id),
      );
      calls = 0;
      expect((await h.get('/echo')).status).toBe(503);
      return calls;
    };
    expect(await failingEcho()).toBeGreaterThan(1);

    await h.service.stop();
    h = await startLive({ MESH_MODE: 'true' });
    expect(await failingEcho()).toBe(1);
    const metrics = await (await h.get('/metrics')).text();
    expect(metrics).toMatch(/^resilience_retries_enabled\{[^}]*policy="echo-service"[^}]*\} 0$/m);
  });
});
