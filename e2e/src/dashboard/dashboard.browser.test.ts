import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

import { startStack, type RunningStack } from '@lab/dev-stack';
import { describeWithRequirement, waitFor } from '@lab/testing';
import { chromium, type Browser, type Page } from 'playwright-core';

import { call } from '../http';
import { ownStackEnv } from '../stack-env';

/**
 * The dashboard of a fresh `npm start` stack, driven in Debian's chromium through playwright-core
 * (never a downloaded browser): it lists every instance, drops one killed with SIGKILL within its
 * check interval plus a second (and lists it as failing its check, with the check's output), shows a flag change written to the KV store within a second, shows
 * a breaker forced open as OPEN and CLOSED again after the reset (both buttons used from the
 * keyboard), shows a refused configuration change with the service's reasons, and injects an abort
 * into inventory-service from the page (orders through the gateway then answer 503) and clears it.
 */
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];
/** The stack's registry checks each instance every second (CHECK_INTERVAL in dev-stack). */
const CHECK_INTERVAL_MS = 1000;

describeWithRequirement(
  { name: 'chromium', available: existsSync(CHROMIUM), reason: `no browser at ${CHROMIUM} (Debian package chromium)` },
  'the dashboard in a real browser',
  () => {
    let stack: RunningStack;
    let browser: Browser;
    let page: Page;

    /** Runs a step; on failure saves a screenshot to a temporary folder (never the repository) and says where. */
    async function step(name: string, fn: () => Promise<void>): Promise<void> {
      try {
        await fn();
      } catch (error) {
        const dir = mkdtempSync(path.join(tmpdir(), 'dashboard-failure-'));
        const file = path.join(dir, `${name.replace(/\W+/g, '-')}.png`);
        await page.screenshot({ path: file, fullPage: true }).catch(() => undefined);
        console.error(`dashboard test "${name}" failed; screenshot: ${file}`);
        throw error;
      }
    }

    /** Milliseconds until `predicate` holds on the page, or a failure naming `what` after `timeoutMs`. */
    async function timeUntil(what: string, timeoutMs: number, predicate: () => Promise<boolean>): Promise<number> {
      const started = performance.now();
      for (;;) {
        if (await predicate()) return performance.now() - started;
        if (performance.now() - started > timeoutMs) throw new Error(`${what}: not seen within ${timeoutMs} ms`);
        await new Promise((resolve) => setTimeout(resolve, 25));
      }
    }

    beforeAll(async () => {
      stack = await startStack({
        replicas: { 'product-service': 2 },
        // product-service-2 runs v2, so the gateway's traffic split by version has two rows.
        canary: ['product-service'],
        gatewayPort: 0,
        registryPort: 0,
        freePorts: true,
        env: ownStackEnv(['ADMIN_TOKEN']),
        startTimeoutMs: 90_000,
      });
      browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS });
      page = await (await browser.newContext()).newPage();
      page.setDefaultTimeout(10_000);
    }, 150_000);

    afterAll(async () => {
      await browser?.close();
      await stack?.stop();
    }, 60_000);

    it('asks for the admin token, refuses a wrong one, then lists every instance of the stack', async () => {
      await step('sign-in', async () => {
        await page.goto(stack.dashboardUrl!);
        expect(new URL(page.url()).pathname).toBe('/sign-in');
        await page.getByLabel('Admin token').fill('not-the-admin-token');
        await page.getByRole('button', { name: 'Sign in' }).click();
        await page.getByRole('alert').filter({ hasText: 'not the admin token' }).waitFor();

        await page.getByLabel('Admin token').fill(stack.adminToken);
        await page.keyboard.press('Enter');
        await page.getByRole('heading', { level: 1, name: 'System dashboard' }).waitFor();
        // The first render is complete without the script; the script then says it is live.
        for (const instance of stack.instances) {
          await page.locator(`#instances tr[data-instance="${instance.id}"]`).waitFor();
        }
        await page.getByText('Live: the page updates').waitFor();
        expect(await page.locator('#instances tr[data-instance]').count()).toBe(stack.instances.length);
      });
    });

    it('drops an instance killed with SIGKILL within its check interval plus 1 s', async () => {
      await step('killed-instance', async () => {
        const victim = stack.instancesOf('product-service')[1];
        const row = page.locator(`#instances tr[data-instance="${victim.id}"]`);
        expect(await row.count()).toBe(1);
        victim.process.kill('SIGKILL');
        const tookMs = await timeUntil(
          `${victim.id} leaving the page`,
          CHECK_INTERVAL_MS + 1000,
          async () => (await row.count()) === 0,
        );
        console.log(`dashboard: ${victim.id} left the page ${Math.round(tookMs)} ms after SIGKILL`);
        await page.locator('#changes').getByText(`${victim.id} left the healthy instances`).waitFor({ timeout: 2000 });
        // The registry still holds it, failing its check: the catalog shows why, in the registry's words.
        const failing = page.locator(`#instances tr[data-failing-instance="${victim.id}"]`);
        await failing.locator('.state-critical').waitFor({ timeout: 3000 });
        expect(await failing.locator('.output').textContent()).not.toBe('');
      });
    });

    it('shows a flag change written to the KV store within 1 s', async () => {
      await step('flag-change', async () => {
        const value = page.locator('#config tr[data-service="order-service"][data-flag="bulk-discount"] .flag-value');
        expect(await value.textContent()).toBe('{"enabled":false}');
        // Written as the config tooling writes it: with its registry token (ACLs deny it without).
        const written = await fetch(`${stack.registry.address}/v1/kv/config/order-service/flags/bulk-discount`, {
          method: 'PUT',
          headers: { 'x-consul-token': stack.registry.tokens!.configWriter },
          body: '{"enabled":true,"rolloutPercent":40}',
        });
        expect(written.status).toBe(200);
        const tookMs = await timeUntil('the new flag definition', 1000, async () =>
          (await value.textContent())!.includes('"rolloutPercent":40'),
        );
        console.log(`dashboard: the flag change showed ${Math.round(tookMs)} ms after the KV write`);
      });
    });

    it('shows a breaker forced open as OPEN, then CLOSED after the reset, both from the keyboard', async () => {
      await step('breaker', async () => {
        const caller = stack.instancesOf('order-service')[0].id;
        const state = page.locator(
          `#dependencies tr[data-instance="${caller}"][data-dependency="inventory-service"] .breaker`,
        );
        expect(await state.textContent()).toBe('CLOSED');

        await page.getByRole('button', { name: `Force open: inventory-service breaker of ${caller}` }).focus();
        await page.keyboard.press('Enter');
        await page.locator('#notice').getByText(`${caller}: breaker to inventory-service forced open`).waitFor();
        await timeUntil('OPEN', 2000, async () => (await state.textContent()) === 'OPEN');
        // The service itself now fails fast: the order path answers 503 without calling inventory.
        const detail = (await (await fetch(`${stack.instancesOf('order-service')[0].url}/health/detailed`)).json()) as {
          policies: unknown[];
        };
        expect(detail.policies).toEqual(
          expect.arrayContaining([
            expect.objectContaining({ name: 'inventory-service', state: 'open', forcedOpen: true }),
          ]),
        );

        await page.getByRole('button', { name: `Reset: inventory-service breaker of ${caller}` }).focus();
        await page.keyboard.press('Enter');
        await timeUntil('CLOSED', 2000, async () => (await state.textContent()) === 'CLOSED');
      });
    });

    it('shows a refused configuration change with the service’s reasons, and the last good value stays', async () => {
      await step('refused-change', async () => {
        await page.getByLabel('Service', { exact: true }).selectOption('order-service');
        await page.getByLabel('Key', { exact: true }).fill('logLevel');
        await page.getByLabel('Value', { exact: true }).fill('loud');
        await page.getByRole('button', { name: 'Write to the KV store' }).click();
        const notice = page.locator('#notice');
        await notice.getByText('refused it').waitFor();
        expect(await notice.textContent()).toMatch(
          /order-service-1 refused it \(logLevel: .*\); the last good configuration stays in force/,
        );
        await page
          .locator('#config article[data-service="order-service"] .refusal')
          .getByText('logLevel')
          .waitFor({ timeout: 2000 });
        const config = await fetch(`${stack.instancesOf('order-service')[0].url}/admin/config`, {
          headers: { authorization: `Bearer ${stack.adminToken}` },
        });
        expect(((await config.json()) as { values: Record<string, { value: unknown }> }).values.logLevel.value).toBe(
          'info',
        );
      });
    });

    it('injects an abort into inventory-service from the page, refuses a bad percent, and clears it', async () => {
      await step('faults', async () => {
        const api = (method: string, p: string, options?: Parameters<typeof call>[3]) =>
          call(stack.gatewayUrl, method, p, options);
        const admin = await api('POST', '/api/auth/login', {
          body: { email: 'admin@example.com', password: 'admin-dev-password' },
        });
        const customer = { email: `faults-${Date.now()}@example.com`, password: 'correct horse battery' };
        await api('POST', '/api/auth/register', { body: customer });
        const customerToken = (await api('POST', '/api/auth/login', { body: customer })).body.accessToken as string;
        const product = await api('POST', '/api/products', {
          token: admin.body.accessToken,
          body: { sku: `FAULT-${Date.now()}`, name: 'Fault lamp', priceCents: 1000 },
        });
        expect(product.status).toBe(201);
        const stocked = await api('PUT', `/api/inventory/${product.body.id}`, {
          token: admin.body.accessToken,
          body: { quantity: 100 },
        });
        expect(stocked.status).toBe(200);
        let orderNo = 0;
        const order = async () =>
          (
            await api('POST', '/api/orders', {
              token: customerToken,
              headers: { 'idempotency-key': `faults-${Date.now()}-${orderNo++}` },
              body: { items: [{ productId: product.body.id, quantity: 1 }] },
            })
          ).status;
        expect(await order()).toBe(201);

        const inForce = page.locator('#config p.fault[data-service="inventory-service"] .fault-value');
        expect(await inForce.textContent()).toBe('none');
        const notice = page.locator('#notice');

        // Inject: 100% of inventory-service's requests aborted with 503, from the keyboard.
        await page.getByLabel('Fault service', { exact: true }).selectOption('inventory-service');
        await page.getByLabel('Percent of requests', { exact: true }).fill('100');
        await page.getByLabel('Abort status', { exact: true }).fill('503');
        await page.getByRole('button', { name: 'Inject abort' }).focus();
        await page.keyboard.press('Enter');
        await notice.getByText('config/inventory-service/fault/abort').waitFor();
        expect(await notice.textContent()).toMatch(
          /\{"percentage":100,"httpStatus":503\} written\. Applied by inventory-service-1/,
        );
        await timeUntil(
          'the abort in force',
          2000,
          async () => (await inForce.textContent()) === 'abort 100% with 503',
        );
        expect(await order()).toBe(503);

        // A percent the services' schema refuses: nothing is written, the abort stays as it was.
        await page.getByLabel('Fault service', { exact: true }).selectOption('inventory-service');
        await page.getByLabel('Percent of requests', { exact: true }).fill('150');
        await page.getByLabel('Delay (ms)', { exact: true }).fill('800');
        await page.getByRole('button', { name: 'Inject delay' }).click();
        await notice.getByText('Refused before anything was written').waitFor();
        expect(await notice.textContent()).toMatch(/body\.percent: .*100/);
        const kv = await fetch(`${stack.registry.address}/v1/kv/config/inventory-service/fault/delay`, {
          headers: { 'x-consul-token': stack.registry.tokens!.configWriter },
        });
        expect(kv.status).toBe(404);
        expect(await inForce.textContent()).toBe('abort 100% with 503');

        // Clear from the service's own line, from the keyboard: orders succeed again (once order-service's
        // breaker towards inventory-service, opened by the 503s, lets a trial call through).
        await page.getByRole('button', { name: 'Clear the faults of inventory-service' }).focus();
        await page.keyboard.press('Enter');
        await notice.getByText('config/inventory-service/fault/* removed').waitFor();
        await timeUntil('no fault in force', 2000, async () => (await inForce.textContent()) === 'none');
        await waitFor(async () => (await order()) === 201, { timeoutMs: 30_000, intervalMs: 250 });
      });
    });

    it('shows the traffic of each route as requests go through the gateway', async () => {
      await step('traffic', async () => {
        for (let i = 0; i < 20; i++) expect((await fetch(`${stack.gatewayUrl}/api/products`)).status).toBe(200);
        await page
          .locator('#traffic tr[data-service="product-service"][data-route="GET /products"]')
          .waitFor({ timeout: 5000 });
      });
    });

    it('shows the gateway’s traffic split by version, from the version label of its upstream metric', async () => {
      await step('version-split', async () => {
        // The canary (product-service-2, v2) was killed above: bring it back and wait until the gateway uses it.
        const canary = stack.instancesOf('product-service')[1];
        expect(canary.version).toBe('v2');
        await stack.restartInstance(canary.id);
        const servedBy = async (headers: Record<string, string>) => {
          const res = await fetch(`${stack.gatewayUrl}/api/products?pageSize=1`, { headers });
          await res.arrayBuffer();
          expect(res.status).toBe(200);
          return res.headers.get('x-served-by');
        };
        await waitFor(
          async () => (await servedBy({ canary: 'true' }).catch(() => null)) === `${canary.id}; version=v2`,
          {
            timeoutMs: 10_000,
            intervalMs: 100,
          },
        );
        // `canary: true` goes to v2 only; the rest 90/10. Far more v2 than v1 in the window, then.
        for (let i = 0; i < 60; i++) expect(await servedBy({ canary: 'true' })).toBe(`${canary.id}; version=v2`);
        for (let i = 0; i < 10; i++) await servedBy({});

        const row = (version: string) =>
          page.locator(`#traffic tr[data-upstream="product-service"][data-version="${version}"]`);
        const shareOf = async (version: string) => parseFloat((await row(version).locator('td').nth(1).textContent())!);
        await row('v1').waitFor({ timeout: 5000 });
        await row('v2').waitFor({ timeout: 5000 });
        await timeUntil(
          'v2 holding most of the split',
          5000,
          async () => (await shareOf('v2')) > (await shareOf('v1')),
        );
        console.log(`dashboard: split v1 ${await shareOf('v1')}%, v2 ${await shareOf('v2')}%`);
      });
    });
  },
);
