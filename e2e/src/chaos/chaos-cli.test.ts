import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

import { stackStateOf } from '@lab/dev-stack';
import { writeStackSecret, writeStackState } from '@lab/stack-state';
import { waitFor } from '@lab/testing';

import { ownStackEnv } from '../stack-env';
import { orderRequest, startChaosStack, type ChaosStack } from './chaos-stack';

const ROOT = path.resolve(__dirname, '../../..');

interface CliRun {
  code: number;
  out: string;
  err: string;
}

/**
 * `npm run chaos` and `npm run load` as built, against a real stack found through its state file,
 * as a second shell beside `npm start` finds it: faults written through the live configuration,
 * processes frozen and thawed, a steady load through the gateway.
 */
describe('the chaos and load commands against a running stack', () => {
  let c: ChaosStack;
  let dir: string;
  let env: NodeJS.ProcessEnv;

  beforeAll(async () => {
    c = await startChaosStack();
    dir = mkdtempSync(path.join(tmpdir(), 'chaos-cli-'));
    const adminTokenFile = writeStackSecret(path.join(dir, 'admin-token'), c.stack.adminToken);
    const stateFile = path.join(dir, 'state.json');
    writeStackState(stateFile, stackStateOf(c.stack, { pid: process.pid, adminTokenFile }));
    env = {
      ...ownStackEnv(['GW', 'CONSUL_HTTP_ADDR', 'CONSUL_TOKEN', 'CONSUL_HTTP_TOKEN']),
      DEV_STACK_STATE: stateFile,
    };
  }, 300_000);

  afterAll(async () => {
    await c?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  }, 60_000);

  const run = (tool: 'chaos' | 'load', ...args: string[]) =>
    new Promise<CliRun>((resolve) => {
      execFile(
        process.execPath,
        [path.join(ROOT, `tools/chaos/dist/${tool}-main.js`), ...args],
        { env, timeout: 30_000 },
        (error, out, err) => resolve({ code: error ? ((error.code as number) ?? 1) : 0, out, err }),
      );
    });

  it('refuses unknown services and bad values with a clear message and exit code 2, writing nothing', async () => {
    const unknown = await run('chaos', 'abort', 'payments-service');
    expect(unknown.code).toBe(2);
    expect(unknown.err).toContain('unknown service "payments-service": the stack runs auth-service, product-service');
    const bad = await run('chaos', 'abort', 'inventory-service', '--percent', '150');
    expect(bad.code).toBe(2);
    expect(bad.err).toMatch(/--percent: .*100/);
    const res = await fetch(`${c.stack.registry.address}/v1/kv/config/inventory-service/fault?recurse=true`);
    expect(res.status).toBe(404);
  });

  it('abort inventory-service --percent 100: orders fail fast with 503 and reserve nothing; resume brings them back without a restart', async () => {
    const productId = await c.newProduct(10);
    const [inventory] = c.stack.instancesOf('inventory-service');
    const pid = inventory.process.pid;
    const reservations = () =>
      c.query<{ n: number }>('inventory-service', 'SELECT count(*)::int AS n FROM reservations');
    const before = (await reservations())[0].n;

    const abort = await run('chaos', 'abort', 'inventory-service', '--percent', '100');
    expect(abort).toMatchObject({ code: 0, err: '' });
    expect(abort.out).toContain('inventory-service: 100% of requests aborted with 503');
    expect(abort.out).toContain('inventory-service-1: in force');

    const timings: number[] = [];
    for (let i = 0; i < 8; i++) {
      const started = Date.now();
      const res = await c.api('POST', '/api/orders', orderRequest(c.customerToken, productId, 1));
      timings.push(Date.now() - started);
      expect(res.status).toBe(503);
      expect(res.headers.get('content-type')).toContain('application/problem+json');
    }
    expect((await reservations())[0].n).toBe(before);
    const stock = await c.query('inventory-service', 'SELECT available, reserved FROM stock WHERE product_id = $1', [
      productId,
    ]);
    expect(stock).toEqual([{ available: 10, reserved: 0 }]);

    const resume = await run('chaos', 'resume', 'inventory-service');
    expect(resume.code).toBe(0);
    expect(resume.out).toContain('inventory-service: fault injection removed');
    const resumedAt = Date.now();
    await waitFor(
      async () => (await c.api('POST', '/api/orders', orderRequest(c.customerToken, productId, 1))).status === 201,
      { timeoutMs: 20_000, intervalMs: 250, description: 'orders to succeed again' },
    );
    console.log(
      `chaos-cli[abort]: 503 answers took ${timings.join(', ')} ms; orders succeeded again ${Date.now() - resumedAt} ms after resume`,
    );
    // Fast: once order-service knows inventory fails, it answers at once.
    expect(Math.max(...timings.slice(-3))).toBeLessThan(500);
    expect(inventory.process.pid).toBe(pid);
    expect((await reservations())[0].n).toBe(before + 1);
  }, 60_000);

  it('stop freezes one instance (the registry takes it out), resume thaws it (it comes back)', async () => {
    const [victim] = c.stack.instancesOf('product-service');
    const stopped = await run('chaos', 'stop', 'product-service', '--instance', victim.id);
    expect(stopped.code).toBe(0);
    expect(procState(victim.process.pid!)).toBe('T');
    await waitFor(async () => !(await c.stack.healthyIds('product-service')).includes(victim.id), {
      timeoutMs: 10_000,
      description: 'the frozen instance to leave the healthy set',
    });

    const resumed = await run('chaos', 'resume', 'product-service');
    expect(resumed.code).toBe(0);
    expect(resumed.out).toContain(`${victim.id} (pid ${victim.process.pid}) resumed`);
    expect(procState(victim.process.pid!)).not.toBe('T');
    await waitFor(async () => (await c.stack.healthyIds('product-service')).includes(victim.id), {
      timeoutMs: 10_000,
      description: 'the thawed instance to pass again',
    });
  }, 40_000);

  it('load sends a steady rate through the gateway and reports each second and the whole run', async () => {
    const load = await run('load', '--rate', '20', '--duration', '2', '/api/products');
    expect(load.code).toBe(0);
    const lines = load.out.trim().split('\n');
    expect(lines[0]).toBe(`load: 20/s for 2 s, GET ${c.stack.gatewayUrl}/api/products (open loop)`);
    expect(lines.some((l) => /^ {3}1s {2}ok +\d+ {2}failed 0 +p50 [\d.]+ ms {2}p99 [\d.]+ ms/.test(l))).toBe(true);
    expect(lines.at(-1)).toMatch(/^ {2}all {2}ok {3}40 {2}failed 0 +p50 [\d.]+ ms {2}p99 [\d.]+ ms/);
  }, 30_000);
});

/** A process's state letter from /proc (T: stopped by a signal). */
function procState(pid: number): string {
  return readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1][0];
}
