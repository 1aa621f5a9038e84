import { randomUUID } from 'node:crypto';
import { ConsulRegistry } from '@lab/discovery';
import { describeWithInfra, infra, waitFor } from '@lab/testing';
import { startOrderHarness, type OrderHarness } from './harness';

const ADMIN_TOKEN = 'order-service-admin-token';
const FLAG_KEY = 'config/order-service/flags/bulk-discount';

/**
 * The bulk-discount flag end to end: set in the registry's KV store (Consul's HTTP API, as an
 * operator would with curl), picked up by the running service's watch, evaluated per order.
 */
describeWithInfra(['postgres', 'consul'], 'order-service bulk-discount flag', () => {
  const consulUrl = infra('consul').url as string;
  let h: OrderHarness;
  let consul: ConsulRegistry;
  let token: string;

  const writeFlag = async (value: unknown) => {
    const response = await fetch(`${consulUrl}/v1/kv/${FLAG_KEY}`, { method: 'PUT', body: JSON.stringify(value) });
    expect(response.status).toBe(200);
  };
  const deleteFlag = () => fetch(`${consulUrl}/v1/kv/${FLAG_KEY}`, { method: 'DELETE' });
  const place = (quantity: number) =>
    h.api('POST', '/orders', {
      token,
      body: { items: [{ productId: 7, quantity }] },
      headers: { 'idempotency-key': `bulk-${randomUUID()}` },
    });
  const unitPrice = async (quantity: number) => {
    const result = await place(quantity);
    expect(result.status).toBe(201);
    return result.body.items[0].unitPriceCents as number;
  };

  beforeAll(async () => {
    await deleteFlag();
    // Discovery stays in the harness's memory registry; the live configuration reads Consul's KV.
    consul = new ConsulRegistry({ url: consulUrl });
    h = await startOrderHarness({ ADMIN_TOKEN }, consul.kv);
    h.prices.set(7, 1000);
    token = await h.token('customer');
  });
  afterAll(async () => {
    await h?.stop();
    await consul?.close();
    await deleteFlag();
  });

  it('charges the full price while the flag is off', async () => {
    expect(await unitPrice(10)).toBe(1000);
  });

  it('takes 10% off lines of 10 or more within a second of the flag being turned on, without a restart', async () => {
    await writeFlag({ enabled: true });
    const started = Date.now();
    await waitFor(async () => (await unitPrice(10)) === 900, { timeoutMs: 1000, intervalMs: 50 });
    console.log(`bulk-discount applied ${Date.now() - started} ms after the KV write`);
    expect(await unitPrice(9)).toBe(1000);
    const order = await place(12);
    expect(order.body).toMatchObject({
      totalCents: 12 * 900,
      items: [{ productId: 7, quantity: 12, unitPriceCents: 900 }],
    });
  });

  it('refuses an invalid flag value, keeps the flag as it was and stays ready', async () => {
    await writeFlag({ enabled: true });
    await waitFor(async () => (await unitPrice(10)) === 900, { timeoutMs: 1000 });

    await writeFlag({ enabled: false, rolloutPercent: 150 });
    const detailed = await waitFor(
      async () => {
        const body = (await h.api('GET', '/health/detailed')).body;
        return body.config?.rejections > 0 ? body : undefined;
      },
      { timeoutMs: 2000 },
    );
    expect(detailed.config.lastRejection).toMatchObject({
      source: 'kv',
      issues: [{ path: 'flags.bulk-discount.rolloutPercent', message: expect.any(String) }],
    });
    expect((await h.api('GET', '/health/ready')).status).toBe(200);
    // The rejected value (which would have turned the flag off) did not apply.
    expect(await unitPrice(10)).toBe(900);

    const admin = await h.api('GET', '/admin/config', { headers: { authorization: `Bearer ${ADMIN_TOKEN}` } });
    expect(admin.status).toBe(200);
    expect(admin.body.status).toMatchObject({ rejections: expect.any(Number), lastRejection: { source: 'kv' } });
    expect(admin.body.values['flags.bulk-discount']).toEqual({ value: { enabled: true }, source: 'kv' });
  });
});
