import { randomBytes, randomUUID } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';

import { startStack, type RunningStack, type StackInstance } from '@lab/dev-stack';
import { parse } from 'yaml';
import { checkMetricsText, describeWithRequirement, promtoolRequirement, waitFor } from '@lab/testing';

import { call, type Api, type JsonResponse } from '../http';
import { ownStackEnv } from '../stack-env';
import { exposedMetricNames, metricNamesIn } from './promql-names';
import { SPAN_KIND, STATUS_ERROR, startOtlpReceiver, type OtlpReceiver, type ReceivedSpan } from './otlp-receiver';

/**
 * The stack as `npm start` runs it, with OTEL_EXPORTER_OTLP_ENDPOINT pointing at a trace backend
 * that keeps spans in memory: an order placed with a caller's `traceparent` is one trace across the
 * gateway, order-service, product-service and inventory-service; every log line of it carries the
 * trace id; a stalled instance shows as an error span and the retry as a span of its own. Then every
 * instance's /metrics passes `promtool check metrics`.
 */
describe('traces across every hop, metrics promtool accepts', () => {
  let receiver: OtlpReceiver;
  let stack: RunningStack;
  let api: Api;
  let adminToken: string;
  let productId: number;

  beforeAll(async () => {
    receiver = await startOtlpReceiver();
    stack = await startStack({
      replicas: { 'product-service': 2 },
      gatewayPort: 0,
      registryPort: 0,
      freePorts: true,
      dashboardPort: false,
      env: { ...ownStackEnv(), OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url, LOG_LEVEL: 'info' },
      startTimeoutMs: 150_000,
    });
    api = (method, p, options) => call(stack.gatewayUrl, method, p, options);
    const login = await api('POST', '/api/auth/login', {
      body: { email: 'admin@example.com', password: 'admin-dev-password' },
    });
    adminToken = login.body.accessToken;
    const created = await api('POST', '/api/products', {
      token: adminToken,
      body: { sku: `TRACE-${randomUUID().slice(0, 8)}`, name: 'Traced lamp', priceCents: 1000 },
    });
    productId = created.body.id;
    await api('PUT', `/api/inventory/${productId}`, { token: adminToken, body: { quantity: 100 } });
  }, 200_000);

  afterAll(async () => {
    await stack?.stop();
    await receiver?.close();
  }, 60_000);

  const placeOrder = (traceparent: string): Promise<JsonResponse> =>
    api('POST', '/api/orders', {
      token: adminToken,
      headers: { traceparent, 'idempotency-key': `trace-${randomUUID()}` },
      body: { items: [{ productId, quantity: 1 }] },
    });

  /** The spans of one trace once they stop arriving (each service exports in batches). */
  async function traceOf(traceId: string, until: (spans: ReceivedSpan[]) => boolean): Promise<ReceivedSpan[]> {
    return waitFor(
      () => {
        const spans = receiver.trace(traceId);
        return until(spans) ? spans : undefined;
      },
      { timeoutMs: 15_000, intervalMs: 100, description: `the spans of trace ${traceId}` },
    );
  }

  it('follows an order from the gateway through order-service to product-service and inventory-service', async () => {
    const { traceId, parentId, header } = newTraceparent();
    const placed = await placeOrder(header);
    expect(placed.status).toBe(201);

    const servers = (spans: ReceivedSpan[], service: string) =>
      spans.filter((s) => s.service === service && s.kind === SPAN_KIND.server);
    const spans = await traceOf(traceId, (all) =>
      ['gateway', 'order-service', 'product-service', 'inventory-service'].every((s) => servers(all, s).length > 0),
    );
    const byId = new Map(spans.map((s) => [s.spanId, s]));
    const parentOf = (span: ReceivedSpan) => byId.get(span.parentSpanId ?? '');

    // The caller's span is the root: the gateway's server span hangs under it.
    const [gateway] = servers(spans, 'gateway');
    expect(gateway.parentSpanId).toBe(parentId);
    // gateway server -> gateway attempt (client, naming the instance) -> order-service server
    const [order] = servers(spans, 'order-service');
    const gatewayAttempt = parentOf(order)!;
    expect(gatewayAttempt).toMatchObject({ service: 'gateway', kind: SPAN_KIND.client });
    expect(gatewayAttempt.attributes['service.instance.id']).toBe(order.instanceId);
    expect(parentOf(gatewayAttempt)).toBe(gateway);

    // order-service's calls: each a client span under its request, each the parent of the callee's server span.
    const ancestors = (span: ReceivedSpan): ReceivedSpan[] => {
      const chain: ReceivedSpan[] = [];
      for (let p = parentOf(span); p !== undefined; p = parentOf(p)) chain.push(p);
      return chain;
    };
    for (const callee of ['product-service', 'inventory-service']) {
      const served = servers(spans, callee);
      expect(served.length).toBeGreaterThan(0);
      for (const server of served) {
        const attempt = parentOf(server)!;
        expect(attempt).toMatchObject({
          service: 'order-service',
          kind: SPAN_KIND.client,
          name: expect.stringContaining(callee),
        });
        expect(attempt.attributes['service.instance.id']).toBe(server.instanceId);
        expect(ancestors(attempt)).toContain(order);
      }
    }
    // Express routes and pg queries are spans of the services that ran them.
    expect(spans.some((s) => s.service === 'order-service' && s.scope.includes('instrumentation-express'))).toBe(true);
    const queries = spans.filter((s) => s.scope.includes('instrumentation-pg'));
    expect(new Set(queries.map((s) => s.service))).toEqual(
      new Set(['order-service', 'product-service', 'inventory-service']),
    );
    expect(spans.every((s) => s.statusCode !== STATUS_ERROR)).toBe(true);
  });

  it("writes the caller's trace id into the logs of the gateway, order, product and inventory", async () => {
    const { traceId, header } = newTraceparent();
    expect((await placeOrder(header)).status).toBe(201);
    const logged = (instance: StackInstance) =>
      readLog(stack.logDir, instance.id).filter((line) => line.trace_id === traceId);
    await waitFor(
      () => {
        const services = ['gateway', 'order-service', 'product-service', 'inventory-service'] as const;
        return services.every((service) => stack.instancesOf(service).some((i) => logged(i).length > 0));
      },
      { timeoutMs: 10_000, intervalMs: 100, description: `log lines with trace_id ${traceId}` },
    );
    // Each line names the span it was written in, one of the trace's.
    const line = logged(stack.instancesOf('order-service')[0])[0];
    expect(line.span_id).toMatch(/^[0-9a-f]{16}$/);
  });

  it('shows a stalled product instance as an error span, and the retry on the other one as its own span', async () => {
    const [stalled, other] = stack.instancesOf('product-service');
    // SIGSTOP: the instance holds its socket but answers nothing; order-service's 1 s timeout fires.
    stalled.process.kill('SIGSTOP');
    let traces: ReceivedSpan[][];
    try {
      // Round robin sends one of two back-to-back orders to the stalled instance first.
      const headers = [newTraceparent(), newTraceparent()];
      const answers = await Promise.all(headers.map((h) => placeOrder(h.header)));
      expect(answers.map((a) => a.status)).toEqual([201, 201]);
      traces = await Promise.all(
        headers.map((h) =>
          // order-service's server span ends after its attempts, so once it is in, they are too.
          traceOf(h.traceId, (spans) =>
            ['gateway', 'order-service'].every((service) =>
              spans.some((s) => s.service === service && s.kind === SPAN_KIND.server),
            ),
          ),
        ),
      );
    } finally {
      stalled.process.kill('SIGCONT');
    }
    const attempts = traces
      .map((spans) =>
        spans.filter((s) => s.service === 'order-service' && s.kind === SPAN_KIND.client && s.name.includes('product')),
      )
      .find((list) => list.some((s) => s.statusCode === STATUS_ERROR));
    expect(attempts).toBeDefined();
    const failed = attempts!.find((s) => s.statusCode === STATUS_ERROR)!;
    expect(failed.attributes['service.instance.id']).toBe(stalled.id);
    const retried = attempts!.find((s) => s.statusCode !== STATUS_ERROR)!;
    expect(retried.attributes).toMatchObject({ 'service.instance.id': other.id, 'http.request.resend_count': 1 });
    expect(retried.parentSpanId).toBe(failed.parentSpanId);
  });

  /** Every instance's /metrics now, after the traffic above. */
  async function scrapeAll(): Promise<Map<string, string>> {
    const texts = new Map<string, string>();
    for (const instance of stack.instances) {
      // The gateway's port is public: its /metrics wants the admin token, as a Prometheus scrape sends it.
      const res = await fetch(`${instance.url}/metrics`, {
        headers: { authorization: `Bearer ${stack.adminToken}` },
        signal: AbortSignal.timeout(5000),
      });
      expect(res.status).toBe(200);
      texts.set(instance.id, await res.text());
    }
    return texts;
  }

  it("uses, in the observability profile's dashboards and alert rules, only metric names the services export", async () => {
    const exported = new Set<string>();
    for (const text of (await scrapeAll()).values()) for (const name of exposedMetricNames(text)) exported.add(name);
    const used = new Map<string, string>();
    const observability = path.resolve(__dirname, '../../../deploy/observability');
    const dashboards = path.join(observability, 'grafana/dashboards');
    for (const file of readdirSync(dashboards).filter((f) => f.endsWith('.json'))) {
      const dashboard = JSON.parse(readFileSync(path.join(dashboards, file), 'utf8'));
      for (const panel of dashboard.panels)
        for (const target of panel.targets)
          for (const name of metricNamesIn(target.expr)) used.set(name, `${file}: ${panel.title}`);
    }
    const rules = parse(readFileSync(path.join(observability, 'alerts.yml'), 'utf8'));
    for (const group of rules.groups)
      for (const rule of group.rules)
        for (const name of metricNamesIn(rule.expr)) used.set(name, `alert ${rule.alert}`);
    expect(used.size).toBeGreaterThan(10);
    const unknown = [...used].filter(([name]) => !exported.has(name)).map(([name, where]) => `${name} (${where})`);
    expect(unknown).toEqual([]);
  });

  describeWithRequirement(promtoolRequirement(), 'every /metrics after that traffic', () => {
    it('passes promtool check metrics (only prom-client’s three default gauges excepted)', async () => {
      const findings: Record<string, string[]> = {};
      for (const [id, text] of await scrapeAll()) {
        expect(text).toContain('http_requests_total');
        const found = checkMetricsText(text);
        if (found.length > 0) findings[id] = found;
      }
      expect(findings).toEqual({});
    });
  });
});

function newTraceparent(): { traceId: string; parentId: string; header: string } {
  const traceId = randomBytes(16).toString('hex');
  const parentId = randomBytes(8).toString('hex');
  return { traceId, parentId, header: `00-${traceId}-${parentId}-01` };
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
function readLog(dir: string, instanceId: string): Record<string, any>[] {
  let text: string;
  try {
    text = readFileSync(path.join(dir, `${instanceId}.log`), 'utf8');
  } catch {
    return [];
  }
  return text
    .split('\n')
    .filter((line) => line.startsWith('{'))
    .map((line) => {
      try {
        return JSON.parse(line);
      } catch {
        return {};
      }
    });
}
