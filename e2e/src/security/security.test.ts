import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { gzipSync } from 'node:zlib';

import { startStack, type RunningStack } from '@lab/dev-stack';
import { createRegistry, type ServiceRegistry } from '@lab/discovery';
import { SignJWT, exportJWK, generateKeyPair, importPKCS8, type JWTPayload } from 'jose';

import { call, type Api, type JsonResponse } from '../http';
import { ownStackEnv } from '../stack-env';

/**
 * Attacks on a running stack, as `npm start` runs it, each of which must be refused: keys from a
 * rogue registration, a customer reserving stock directly, tokens that are correctly signed but
 * unacceptable, password guessing, telling registered emails apart, and bodies that used to
 * answer 500. Registry access control and the gateway's own edges are tested with those parts.
 */
describe('security: attacks on the embedded stack are refused', () => {
  let stack: RunningStack;
  let api: Api;
  let adminToken: string;
  let customerToken: string;
  let productId: number;

  beforeAll(async () => {
    stack = await startStack({
      gatewayPort: 0,
      registryPort: 0,
      freePorts: true,
      env: { ...ownStackEnv(), LOG_LEVEL: 'warn' },
      startTimeoutMs: 90_000,
    });
    api = (method, p, options) => call(stack.gatewayUrl, method, p, options);
    adminToken = (await login('admin@example.com', 'admin-dev-password')).body.accessToken;
    const customer = { email: `sec-${randomUUID().slice(0, 8)}@example.com`, password: 'correct horse battery' };
    await api('POST', '/api/auth/register', { body: customer });
    customerToken = (await login(customer.email, customer.password)).body.accessToken;
    const product = await api('POST', '/api/products', {
      token: adminToken,
      body: { sku: `SEC-${randomUUID().slice(0, 8)}`, name: 'Safe', priceCents: 100 },
    });
    productId = product.body.id;
    await api('PUT', `/api/inventory/${productId}`, { token: adminToken, body: { quantity: 90 } });
  }, 120_000);

  afterAll(async () => {
    await stack?.stop();
  }, 60_000);

  const login = (email: string, password: string) => api('POST', '/api/auth/login', { body: { email, password } });
  const createProduct = (token: string) =>
    api('POST', '/api/products', {
      token,
      body: { sku: `SEC-${randomUUID().slice(0, 8)}`, name: 'Attempt', priceCents: 1 },
    });
  const stock = async () => (await api('GET', `/api/inventory/${productId}`)).body;

  /** Signs exactly `payload` under `typ` with the stack's own signing key: tokens only a bug would make. */
  async function signWithStackKey(payload: JWTPayload, typ?: string): Promise<string> {
    const pem = readFileSync(path.join(stack.credentialsDir, 'jwt-private-key.pem'), 'utf8');
    const jwks = (await call(stack.instancesOf('auth-service')[0].url, 'GET', '/.well-known/jwks.json')).body;
    return new SignJWT(payload)
      .setProtectedHeader({ alg: 'ES256', kid: jwks.keys[0].kid, ...(typ && { typ }) })
      .sign(await importPKCS8(pem, 'ES256'));
  }

  function expectRefused(reply: JsonResponse, status: number): void {
    expect(reply.status).toBe(status);
    expect(reply.headers.get('content-type')).toContain('application/problem+json');
  }

  describe('a rogue auth-service registration', () => {
    let rogue: Server;
    let jwksFetches = 0;
    const rogueId = `auth-service-rogue-${randomUUID().slice(0, 8)}`;

    let management: ServiceRegistry;
    beforeAll(() => {
      management = createRegistry({
        backend: 'consul',
        consulUrl: stack.registry.address,
        consulToken: stack.registry.tokens!.management,
      });
    });
    afterAll(async () => {
      await management.deregister(rogueId).catch(() => undefined);
      await management.close();
      await new Promise((resolve) => rogue?.close(resolve));
    });

    it('serving its own JWKS is never asked for keys: its admin tokens are refused, the real admin’s always work', async () => {
      const { privateKey, publicKey } = await generateKeyPair('ES256');
      const kid = 'rogue-key';
      const jwks = { keys: [{ ...(await exportJWK(publicKey)), kid, alg: 'ES256', use: 'sig' }] };
      rogue = createServer((req, res) => {
        if (req.url?.startsWith('/.well-known/jwks.json')) jwksFetches++;
        res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(jwks));
      });
      await new Promise<void>((resolve) => rogue.listen(0, '127.0.0.1', resolve));
      // The worst case: the attacker got a registration in (with the management token, say).
      await management.register({
        id: rogueId,
        name: 'auth-service',
        address: '127.0.0.1',
        port: (rogue.address() as AddressInfo).port,
      });

      const forged = await new SignJWT({ role: 'admin', email: 'mallory@example.com' })
        .setProtectedHeader({ alg: 'ES256', kid, typ: 'at+jwt' })
        .setSubject(randomUUID())
        .setIssuer('auth-service')
        .setAudience('service-discovery-lab')
        .setIssuedAt()
        .setExpirationTime('5m')
        .sign(privateKey);
      const outcomes = { forged: [] as number[], real: [] as number[] };
      for (let i = 0; i < 8; i++) {
        outcomes.forged.push((await createProduct(forged)).status);
        outcomes.real.push((await createProduct(adminToken)).status);
      }
      expect(outcomes.forged).toEqual(Array(8).fill(401));
      expect(outcomes.real).toEqual(Array(8).fill(201));
      expect(jwksFetches).toBe(0);
      await management.deregister(rogueId);
    });

    it('cannot get in without a token or with product-service’s, so it gets no logins', async () => {
      let impostorLogins = 0;
      const impostor = createServer((req, res) => {
        if (req.url?.includes('/login')) impostorLogins++;
        res.writeHead(200, { 'content-type': 'application/json' }).end('{"accessToken":"x"}');
      });
      await new Promise<void>((resolve) => impostor.listen(0, '127.0.0.1', resolve));
      const rogueAt = JSON.stringify({
        ID: `auth-service-rogue-${randomUUID().slice(0, 8)}`,
        Name: 'auth-service',
        Address: '127.0.0.1',
        Port: (impostor.address() as AddressInfo).port,
      });
      const productToken = stack.registry.tokens!.forApp('product-service');
      for (const headers of [{}, { 'x-consul-token': productToken }]) {
        const refused = await fetch(`${stack.registry.address}/v1/agent/service/register`, {
          method: 'PUT',
          headers,
          body: rogueAt,
        });
        expect([refused.status, await refused.text()]).toEqual([403, 'Permission denied']);
      }
      // Nor may product-service's token take over the real instance's ID.
      const realId = (await stack.healthyIds('auth-service'))[0]!;
      const takeover = await fetch(`${stack.registry.address}/v1/agent/service/register`, {
        method: 'PUT',
        headers: { 'x-consul-token': productToken },
        body: JSON.stringify({ ID: realId, Name: 'product-service', Address: '127.0.0.1', Port: 1 }),
      });
      expect(takeover.status).toBe(403);

      const statuses: number[] = [];
      for (let i = 0; i < 8; i++) statuses.push((await login('admin@example.com', 'admin-dev-password')).status);
      await new Promise((resolve) => impostor.close(resolve));
      expect(statuses).toEqual(Array(8).fill(200));
      expect(impostorLogins).toBe(0);
      expect(await stack.healthyIds('auth-service')).toEqual([realId]);
    });
  });

  describe('live configuration in the registry’s KV store', () => {
    const kvPut = (token: string | undefined, body: string) =>
      fetch(`${stack.registry.address}/v1/kv/config/order-service/timeoutMs`, {
        method: 'PUT',
        headers: token ? { 'x-consul-token': token } : {},
        body,
      });

    it('refuses a write without a token, with a service’s token and with the read-only token', async () => {
      const tokens = stack.registry.tokens!;
      for (const token of [undefined, tokens.forApp('order-service'), tokens.readOnly]) {
        const refused = await kvPut(token, '1');
        expect([refused.status, await refused.text()]).toEqual([403, 'Permission denied']);
      }
      const read = await fetch(`${stack.registry.address}/v1/kv/config/order-service/timeoutMs`);
      expect(read.status).toBe(403);
    });
  });

  it('a customer’s token sent straight to inventory-service cannot reserve or confirm stock', async () => {
    const inventory = stack.instancesOf('inventory-service')[0].url;
    const before = await stock();
    const reserve = await call(inventory, 'POST', '/reservations', {
      token: customerToken,
      body: { orderId: randomUUID(), items: [{ productId, quantity: 90 }] },
    });
    expectRefused(reserve, 401);
    const confirm = await call(inventory, 'POST', `/reservations/${randomUUID()}/confirm`, {
      token: customerToken,
      body: { orderId: randomUUID() },
    });
    expectRefused(confirm, 401);
    expect(await stock()).toEqual(before);
    // Ordering through order-service still reserves, with order-service's own identity.
    const order = await api('POST', '/api/orders', {
      token: customerToken,
      headers: { 'idempotency-key': `sec-${randomUUID()}` },
      body: { items: [{ productId, quantity: 2 }] },
    });
    expect(order.status).toBe(201);
    expect(await stock()).toEqual({ productId, available: before.available - 2, reserved: 0 });
  });

  describe('correctly signed tokens that are still unacceptable', () => {
    const now = () => Math.floor(Date.now() / 1000);
    const claims = (extra: JWTPayload = {}): JWTPayload => ({
      iss: 'auth-service',
      aud: 'service-discovery-lab',
      sub: randomUUID(),
      role: 'admin',
      iat: now(),
      exp: now() + 300,
      ...extra,
    });

    it('signs a well-formed token the services accept (the control)', async () => {
      expect((await createProduct(await signWithStackKey(claims(), 'at+jwt'))).status).toBe(201);
    });

    it.each([
      ['without exp', () => ({ ...claims(), exp: undefined }), 'at+jwt'],
      ['with an exp ten years ahead', () => claims({ exp: now() + 10 * 365 * 86_400 }), 'at+jwt'],
      ['with iat an hour in the future', () => claims({ iat: now() + 3600, exp: now() + 3900 }), 'at+jwt'],
      ['without typ', () => claims(), undefined],
      ['with the typ of a service token', () => claims(), 'service+jwt'],
    ])('refuses an admin token %s', async (_label, payload, typ) => {
      const body = JSON.parse(JSON.stringify(payload())) as JWTPayload;
      expectRefused(await createProduct(await signWithStackKey(body, typ)), 401);
    });
  });

  it('answers 100 wrong passwords with 429 and Retry-After long before the hundredth', async () => {
    const victim = { email: `victim-${randomUUID().slice(0, 8)}@example.com`, password: 'the victim password' };
    await api('POST', '/api/auth/register', { body: victim });
    const statuses: number[] = [];
    let limited: JsonResponse | undefined;
    for (let i = 0; i < 100; i++) {
      const reply = await login(victim.email, `guess number ${i}`);
      statuses.push(reply.status);
      limited ??= reply.status === 429 ? reply : undefined;
    }
    const firstLimited = statuses.indexOf(429);
    console.log(
      `security: 100 wrong passwords: ${firstLimited} answered 401, then 429 from attempt ${firstLimited + 1}`,
    );
    expect(firstLimited).toBeGreaterThan(0);
    expect(firstLimited).toBeLessThanOrEqual(10);
    expect(statuses.slice(firstLimited).every((s) => s === 429)).toBe(true);
    expectRefused(limited!, 429);
    expect(Number(limited!.headers.get('retry-after'))).toBeGreaterThan(0);
    // Closed to guessing means closed: the right password waits too. Other accounts are unaffected.
    expect((await login(victim.email, victim.password)).status).toBe(429);
    expect((await login('admin@example.com', 'admin-dev-password')).status).toBe(200);
  });

  it('registering does not tell a taken email from a new one, by answer or by time', async () => {
    const taken = `taken-${randomUUID().slice(0, 8)}@example.com`;
    await api('POST', '/api/auth/register', { body: { email: taken, password: 'first password' } });
    const timed = async (email: string) => {
      const started = performance.now();
      const reply = await api('POST', '/api/auth/register', { body: { email, password: 'another password' } });
      return { reply, ms: performance.now() - started };
    };
    const samples = { taken: [] as number[], fresh: [] as number[] };
    for (let i = 0; i < 5; i++) {
      const again = await timed(i % 2 === 0 ? taken.toUpperCase() : taken);
      const fresh = await timed(`fresh-${randomUUID().slice(0, 8)}@example.com`);
      expect(again.reply.status).toBe(fresh.reply.status);
      expect(again.reply.body).toEqual({ ...fresh.reply.body, email: taken });
      samples.taken.push(again.ms);
      samples.fresh.push(fresh.ms);
    }
    const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
    const ratio = median(samples.taken) / median(samples.fresh);
    console.log(
      `security: register median ${median(samples.taken).toFixed(0)} ms for a taken email, ${median(samples.fresh).toFixed(0)} ms for a new one`,
    );
    // The same scrypt work either way: a 409 shortcut would answer a taken email many times faster.
    expect(ratio).toBeGreaterThan(0.5);
    expect(ratio).toBeLessThan(2);
  });

  it('answers a corrupt gzip body with 400, not 500', async () => {
    const corrupt = gzipSync(JSON.stringify({ email: 'a@example.com', password: 'whatever1' })).subarray(0, 12);
    const reply = await fetch(`${stack.gatewayUrl}/api/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'content-encoding': 'gzip' },
      body: corrupt,
    });
    expect(reply.status).toBe(400);
    expect(reply.headers.get('content-type')).toContain('application/problem+json');
  });

  it('answers a NUL character in a product name with 400 naming the field, and stores nothing', async () => {
    const sku = `NUL-${randomUUID().slice(0, 8)}`;
    const reply = await api('POST', '/api/products', {
      token: adminToken,
      body: { sku, name: 'Desk\u0000lamp', priceCents: 100 },
    });
    expectRefused(reply, 400);
    expect(reply.body.errors).toEqual([{ field: 'body.name', message: 'must not contain a NUL character' }]);
    const listed = await api('GET', '/api/products?pageSize=100');
    expect(JSON.stringify(listed.body)).not.toContain(sku);
  });
});
