import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { createConnection } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';

import { startStack, type RunningStack, type ServiceName } from '@lab/dev-stack';
import { freePort } from '@lab/testing';
import { Client } from 'pg';

import { call, type Api, type CallOptions, type JsonResponse } from '../http';
import { ownStackEnv } from '../stack-env';

/**
 * The stack the chaos suite breaks: every service as its own process, two product-service
 * instances, embedded databases kept on disk (so one can be stopped and started again with its
 * data), a redis-server of its own for product-service's cache, short check intervals.
 */
export interface ChaosStack {
  stack: RunningStack;
  api: Api;
  adminToken: string;
  customerToken: string;
  redis: LocalRedis;
  /** A product with `stock` units available, new for each caller. */
  newProduct(stock: number): Promise<number>;
  /** One query against a service's own database, on a fresh connection. */
  query<R = Record<string, unknown>>(service: ServiceName, sql: string, params?: unknown[]): Promise<R[]>;
  /** Writes a live setting of a service into the registry's KV store (config/<service>/<key>). */
  setLive(service: string, key: string, value: unknown): Promise<void>;
  /** GET a path of one instance directly (not through the gateway). */
  direct(url: string, path: string): Promise<JsonResponse>;
  stop(): Promise<void>;
}

/** order-service's /admin/config token: the suite reads back the live settings it changes. */
export const CHAOS_ADMIN_TOKEN = 'chaos-admin-token-0123456789';

export async function startChaosStack(): Promise<ChaosStack> {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'lab-chaos-'));
  const redis = await startLocalRedis();
  const env = ownStackEnv(['CONFIG_DIR']);
  let stack: RunningStack;
  try {
    stack = await startStack({
      replicas: { 'product-service': 2 },
      gatewayPort: 0,
      registryPort: 0,
      freePorts: true,
      dataDir,
      env: { ...env, CHECK_INTERVAL: '1s', LOG_LEVEL: 'warn' },
      serviceEnv: { 'product-service': { REDIS_URL: redis.url }, 'order-service': { ADMIN_TOKEN: CHAOS_ADMIN_TOKEN } },
      startTimeoutMs: 150_000,
    });
  } catch (error) {
    redis.kill();
    rmSync(dataDir, { recursive: true, force: true });
    throw error;
  }
  const api: Api = (method, p, options) => call(stack.gatewayUrl, method, p, options);
  const admin = await api('POST', '/api/auth/login', {
    body: { email: 'admin@example.com', password: 'admin-dev-password' },
  });
  const customer = { email: `chaos-${randomUUID().slice(0, 8)}@example.com`, password: 'correct horse battery' };
  await api('POST', '/api/auth/register', { body: customer });
  const login = await api('POST', '/api/auth/login', { body: customer });
  const adminToken: string = admin.body.accessToken;
  const customerToken: string = login.body.accessToken;

  return {
    stack,
    api,
    adminToken,
    customerToken,
    redis,
    async newProduct(stock) {
      const created = await api('POST', '/api/products', {
        token: adminToken,
        body: { sku: `CHAOS-${randomUUID().slice(0, 8)}`, name: 'Chaos lamp', priceCents: 1000 },
      });
      expectStatus(created, 201);
      expectStatus(
        await api('PUT', `/api/inventory/${created.body.id}`, { token: adminToken, body: { quantity: stock } }),
        200,
      );
      return created.body.id as number;
    },
    async query(service, sql, params) {
      const client = new Client({ connectionString: stack.databases[service].url, connectionTimeoutMillis: 5000 });
      await client.connect();
      try {
        return (await client.query(sql, params)).rows;
      } finally {
        await client.end();
      }
    },
    async setLive(service, key, value) {
      const token = stack.registry.tokens?.configWriter;
      const res = await fetch(`${stack.registry.address}/v1/kv/config/${service}/${key}`, {
        method: 'PUT',
        headers: token ? { 'x-consul-token': token } : {},
        body: JSON.stringify(value),
        signal: AbortSignal.timeout(5000),
      });
      if (!res.ok) throw new Error(`KV put config/${service}/${key}: HTTP ${res.status}`);
    },
    direct: (url, p) => call(url, 'GET', p),
    async stop() {
      await stack.stop();
      redis.kill();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

function expectStatus(res: JsonResponse, status: number): void {
  if (res.status !== status) throw new Error(`expected HTTP ${status}, got ${res.status}: ${JSON.stringify(res.body)}`);
}

/** An order request as the customer, with its own Idempotency-Key unless one is given. */
export function orderRequest(
  token: string,
  productId: number,
  quantity: number,
  key = `chaos-${randomUUID()}`,
): CallOptions {
  return { token, headers: { 'idempotency-key': key }, body: { items: [{ productId, quantity }] } };
}

export interface LocalRedis {
  url: string;
  process: ChildProcess;
  kill(): void;
}

/** redis-server on a free loopback port, nothing persisted; resolves once it accepts connections. */
async function startLocalRedis(): Promise<LocalRedis> {
  const port = await freePort();
  const child = spawn(
    'redis-server',
    ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'],
    {
      stdio: 'ignore',
    },
  );
  const kill = () => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  };
  const deadline = Date.now() + 10_000;
  while (!(await accepts(port))) {
    if (Date.now() > deadline || child.exitCode !== null) {
      kill();
      throw new Error('redis-server did not start (is the redis-server binary installed?)');
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  return { url: `redis://127.0.0.1:${port}`, process: child, kill };
}

function accepts(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createConnection({ host: '127.0.0.1', port }, () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

export interface LoadResult {
  sent: number;
  failed: number;
  /** Status (or error message) of each failed request, for the failure message. */
  failures: string[];
  slowestMs: number;
}

/**
 * Sends `request` from `concurrency` loops until `stop()` resolves or `maxRequests` were sent,
 * whichever first; a request that is not answered with `ok` counts as failed.
 */
export async function steadyLoad(
  request: () => Promise<JsonResponse>,
  o: {
    concurrency: number;
    maxRequests: number;
    until: Promise<unknown>;
    ok?: (res: JsonResponse) => boolean;
    /** Pause between one loop's requests, so the bounded count lasts through the whole failure. */
    paceMs?: number;
  },
): Promise<LoadResult> {
  const result: LoadResult = { sent: 0, failed: 0, failures: [], slowestMs: 0 };
  let done = false;
  void o.until.finally(() => (done = true));
  const ok = o.ok ?? ((res) => res.status === 200);
  const loop = async () => {
    while (!done && result.sent < o.maxRequests) {
      result.sent++;
      const started = Date.now();
      try {
        const res = await request();
        if (!ok(res)) {
          result.failed++;
          result.failures.push(`HTTP ${res.status}`);
        }
      } catch (error) {
        result.failed++;
        result.failures.push((error as Error).message);
      }
      result.slowestMs = Math.max(result.slowestMs, Date.now() - started);
      await new Promise((r) => setTimeout(r, o.paceMs ?? 5));
    }
  };
  await Promise.all(Array.from({ length: o.concurrency }, loop));
  return result;
}
