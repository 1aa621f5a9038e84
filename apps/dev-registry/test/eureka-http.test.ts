// Eureka's REST API as Spring Cloud Netflix and Netflix's own client call it: the request shapes
// their documentation and codecs produce, JSON and XML, under both path prefixes.
import { XMLParser } from 'fast-xml-parser';
import type { DevRegistry } from '../src/index';
import { call, startTestRegistry } from './helpers';

/** A registration body as Spring's Jackson codec writes it (nulls and server-side fields included). */
function springJson(app: string, id: string, port: number, extra: Record<string, unknown> = {}) {
  return {
    instance: {
      instanceId: id,
      app: app.toUpperCase(),
      appGroupName: null,
      ipAddr: '127.0.0.1',
      sid: 'na',
      homePageUrl: `http://localhost:${port}/`,
      statusPageUrl: `http://localhost:${port}/actuator/info`,
      healthCheckUrl: `http://localhost:${port}/actuator/health`,
      secureHealthCheckUrl: null,
      vipAddress: app.toLowerCase(),
      secureVipAddress: app.toLowerCase(),
      countryId: 1,
      dataCenterInfo: { '@class': 'com.netflix.appinfo.InstanceInfo$DefaultDataCenterInfo', name: 'MyOwn' },
      hostName: 'localhost',
      status: 'UP',
      overriddenStatus: 'UNKNOWN',
      leaseInfo: {
        renewalIntervalInSecs: 30,
        durationInSecs: 90,
        registrationTimestamp: 0,
        lastRenewalTimestamp: 0,
        evictionTimestamp: 0,
        serviceUpTimestamp: 0,
      },
      isCoordinatingDiscoveryServer: false,
      metadata: { 'management.port': String(port) },
      lastUpdatedTimestamp: 1_700_000_000_000,
      lastDirtyTimestamp: 1_700_000_000_000,
      actionType: null,
      asgName: null,
      port: { $: port, '@enabled': 'true' },
      securePort: { $: 443, '@enabled': 'false' },
      ...extra,
    },
  };
}

const XML_BODY = `<?xml version="1.0" encoding="UTF-8"?>
<instance>
  <instanceId>localhost:inventory:7002</instanceId>
  <hostName>localhost</hostName>
  <app>INVENTORY</app>
  <ipAddr>127.0.0.1</ipAddr>
  <status>UP</status>
  <overriddenstatus>UNKNOWN</overriddenstatus>
  <port enabled="true">7002</port>
  <securePort enabled="false">443</securePort>
  <countryId>1</countryId>
  <dataCenterInfo class="com.netflix.appinfo.InstanceInfo$DefaultDataCenterInfo"><name>MyOwn</name></dataCenterInfo>
  <leaseInfo><renewalIntervalInSecs>30</renewalIntervalInSecs><durationInSecs>45</durationInSecs></leaseInfo>
  <metadata><zone>zone-a</zone><version>2</version></metadata>
  <vipAddress>inventory</vipAddress>
  <secureVipAddress>inventory</secureVipAddress>
  <lastDirtyTimestamp>1700000000000</lastDirtyTimestamp>
</instance>`;

const xml = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: '@',
  textNodeName: '$',
  parseTagValue: false,
});

const json = { 'content-type': 'application/json', accept: 'application/json' };

describe.each(['/eureka', '/eureka/v2'])('Eureka REST API under %s', (prefix) => {
  let registry: DevRegistry;
  let base: string;
  const send = (method: string, path: string, body?: unknown, headers: Record<string, string> = json) =>
    call(base, `${prefix}${path}`, {
      method,
      headers,
      body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
    });

  beforeEach(async () => {
    registry = await startTestRegistry({ dnsPort: false });
    base = registry.url;
  });
  afterEach(() => registry.close());

  it('registers a Spring JSON body (204), and shows it in Eureka JSON as clients read it', async () => {
    expect((await send('POST', '/apps/ORDERS', springJson('orders', 'localhost:orders:7001', 7001))).status).toBe(204);
    const apps = await send('GET', '/apps/', undefined, { accept: 'application/json' });
    expect(apps.status).toBe(200);
    expect(apps.headers.get('content-type')).toBe('application/json');
    const body = apps.json<{ applications: Record<string, unknown> }>();
    expect(body.applications).toMatchObject({ apps__hashcode: 'UP_1_', versions__delta: expect.any(String) });
    const [application] = body.applications.application as Array<{ name: string; instance: unknown[] }>;
    expect(application!.name).toBe('ORDERS');
    expect(application!.instance).toEqual([
      expect.objectContaining({
        instanceId: 'localhost:orders:7001',
        app: 'ORDERS',
        hostName: 'localhost',
        status: 'UP',
        overriddenStatus: 'UNKNOWN',
        port: { $: 7001, '@enabled': 'true' },
        securePort: { $: 443, '@enabled': 'false' },
        dataCenterInfo: { '@class': 'com.netflix.appinfo.InstanceInfo$DefaultDataCenterInfo', name: 'MyOwn' },
        leaseInfo: expect.objectContaining({ renewalIntervalInSecs: 30, durationInSecs: 90, evictionTimestamp: 0 }),
        metadata: { 'management.port': '7001' },
        vipAddress: 'orders',
        isCoordinatingDiscoveryServer: 'false',
        lastDirtyTimestamp: '1700000000000',
        actionType: 'ADDED',
      }),
    ]);
  });

  it('registers an XML body, and answers XML when the client accepts XML', async () => {
    const registered = await send('POST', '/apps/inventory', XML_BODY, { 'content-type': 'application/xml' });
    expect(registered.status).toBe(204);
    const apps = await send('GET', '/apps', undefined, { accept: 'application/xml' });
    expect(apps.headers.get('content-type')).toBe('application/xml');
    const tree = xml.parse(apps.text) as {
      applications: { apps__hashcode: string; application: { name: string; instance: Record<string, unknown> } };
    };
    expect(tree.applications.apps__hashcode).toBe('UP_1_');
    expect(tree.applications.application.name).toBe('INVENTORY');
    expect(tree.applications.application.instance).toMatchObject({
      instanceId: 'localhost:inventory:7002',
      status: 'UP',
      overriddenstatus: 'UNKNOWN',
      port: { $: '7002', '@enabled': 'true' },
      dataCenterInfo: { '@class': 'com.netflix.appinfo.InstanceInfo$DefaultDataCenterInfo', name: 'MyOwn' },
      leaseInfo: { durationInSecs: '45' },
      metadata: { zone: 'zone-a', version: '2' },
    });
    // No Accept preference: XML, as a Eureka server answers.
    expect((await call(base, `${prefix}/apps/INVENTORY`)).text).toMatch(
      /^<\?xml .*<application><name>INVENTORY<\/name>/,
    );
  });

  it('renews (200), answers 404 to an unknown or changed instance so the client registers again, and cancels', async () => {
    await send('POST', '/apps/ORDERS', springJson('orders', 'o-1', 7001));
    expect((await send('PUT', '/apps/ORDERS/o-1?status=UP&lastDirtyTimestamp=1700000000000')).status).toBe(200);
    expect((await send('PUT', '/apps/ORDERS/o-1?status=UP&lastDirtyTimestamp=1700000000001')).status).toBe(404);
    expect((await send('PUT', '/apps/ORDERS/o-2')).status).toBe(404);
    expect((await send('DELETE', '/apps/ORDERS/o-1')).status).toBe(200);
    expect((await send('DELETE', '/apps/ORDERS/o-1')).status).toBe(404);
    expect((await send('PUT', '/apps/ORDERS/o-1')).status).toBe(404);
  });

  it('takes an instance out of service and back (status overrides), visible in the delta', async () => {
    await send('POST', '/apps/ORDERS', springJson('orders', 'o-1', 7001));
    expect((await send('PUT', '/apps/ORDERS/o-1/status?value=OUT_OF_SERVICE')).status).toBe(200);
    const out = (await send('GET', '/apps/ORDERS/o-1')).json<{
      instance: { status: string; overriddenStatus: string };
    }>();
    expect(out.instance).toMatchObject({ status: 'OUT_OF_SERVICE', overriddenStatus: 'OUT_OF_SERVICE' });
    const delta = (await send('GET', '/apps/delta')).json<{
      applications: { apps__hashcode: string; application: Array<{ instance: Array<{ actionType: string }> }> };
    }>();
    expect(delta.applications.apps__hashcode).toBe('OUT_OF_SERVICE_1_');
    expect(delta.applications.application[0]!.instance[0]!.actionType).toBe('MODIFIED');
    expect((await send('DELETE', '/apps/ORDERS/o-1/status?value=UP')).status).toBe(200);
    const back = (await send('GET', '/instances/o-1')).json<{
      instance: { status: string; overriddenStatus: string };
    }>();
    expect(back.instance).toMatchObject({ status: 'UP', overriddenStatus: 'UNKNOWN' });
  });

  it('updates metadata, and finds instances by VIP address', async () => {
    await send('POST', '/apps/ORDERS', springJson('orders', 'o-1', 7001));
    expect((await send('PUT', '/apps/ORDERS/o-1/metadata?version=2')).status).toBe(200);
    const instance = (await send('GET', '/apps/ORDERS/o-1')).json<{ instance: { metadata: Record<string, string> } }>();
    expect(instance.instance.metadata).toEqual({ 'management.port': '7001', version: '2' });
    const vip = (await send('GET', '/vips/orders')).json<{ applications: { application: Array<{ name: string }> } }>();
    expect(vip.applications.application.map((a) => a.name)).toEqual(['ORDERS']);
  });

  // The remaining calls of Spring Cloud Netflix's RestTemplateEurekaHttpClient, with the query
  // parameters it adds: regions on reads, overriddenstatus on heartbeats, lastDirtyTimestamp on
  // status changes, and the secure VIP read.
  it("answers Spring's other request shapes: regions, overriddenstatus, status with lastDirtyTimestamp, svips", async () => {
    await send('POST', '/apps/ORDERS', springJson('orders', 'o-1', 7001));
    const regions = await send('GET', '/apps/?regions=us-east-1', undefined, { accept: 'application/json' });
    expect(regions.json<{ applications: { apps__hashcode: string } }>().applications.apps__hashcode).toBe('UP_1_');
    const delta = await send('GET', '/apps/delta?regions=us-east-1', undefined, { accept: 'application/json' });
    expect(delta.status).toBe(200);

    const beat = '/apps/ORDERS/o-1?status=UP&lastDirtyTimestamp=1700000000000';
    expect((await send('PUT', `${beat}&overriddenstatus=UNKNOWN`)).status).toBe(200);
    expect(
      (await send('PUT', '/apps/ORDERS/o-1/status?value=OUT_OF_SERVICE&lastDirtyTimestamp=1700000000000')).status,
    ).toBe(200);
    expect((await send('PUT', `${beat}&overriddenstatus=OUT_OF_SERVICE`)).status).toBe(200);
    const secure = (await send('GET', '/svips/orders')).json<{
      applications: { application: Array<{ instance: Array<{ status: string }> }> };
    }>();
    expect(secure.applications.application[0]!.instance[0]!.status).toBe('OUT_OF_SERVICE');

    // Spring removes an override with only lastDirtyTimestamp: no status is left, so the next
    // heartbeat answers 404 and the client registers again with its own.
    expect((await send('DELETE', '/apps/ORDERS/o-1/status?lastDirtyTimestamp=1700000000000')).status).toBe(200);
    expect((await send('PUT', beat)).status).toBe(404);
    expect((await send('POST', '/apps/ORDERS', springJson('orders', 'o-1', 7001))).status).toBe(204);
    const back = (await send('GET', '/apps/ORDERS/o-1')).json<{ instance: { status: string } }>();
    expect(back.instance.status).toBe('UP');
  });

  it('answers 4xx naming the field for bad input, never 500', async () => {
    const bad = async (
      status: number,
      method: string,
      path: string,
      body: unknown,
      headers: Record<string, string>,
      text: RegExp,
    ) => {
      const answer = await send(method, path, body, headers);
      expect({ path, status: answer.status }).toEqual({ path, status });
      expect(answer.text).toMatch(text);
    };
    await bad(400, 'POST', '/apps/ORDERS', '{"instance":', json, /Request decode failed/);
    await bad(
      400,
      'POST',
      '/apps/ORDERS',
      { app: 'ORDERS' },
      json,
      /instance: is required: the body is \{"instance": \{\.\.\.\}\}/,
    );
    await bad(
      400,
      'POST',
      '/apps/ORDERS',
      { instance: { app: 'ORDERS', ipAddr: '1.2.3.4' } },
      json,
      /instance\.hostName: is required/,
    );
    await bad(400, 'POST', '/apps/ORDERS', springJson('orders', 'o-1', 99_999), json, /instance\.port: must be/);
    await bad(
      400,
      'POST',
      '/apps/ORDERS',
      springJson('orders', 'o-1', 1, { status: 'SLEEPY' }),
      json,
      /instance\.status: must be one of UP, DOWN/,
    );
    await bad(
      400,
      'POST',
      '/apps/ORDERS',
      springJson('orders', 'o-1', 1, { dataCenterInfo: undefined }),
      json,
      /instance\.dataCenterInfo: is required/,
    );
    await bad(
      400,
      'POST',
      '/apps/PRODUCTS',
      springJson('orders', 'o-1', 1),
      json,
      /Mismatched appName, expecting PRODUCTS but was ORDERS/,
    );
    await bad(
      400,
      'POST',
      '/apps/ORDERS',
      '<instance><app>',
      { 'content-type': 'application/xml' },
      /Request decode failed/,
    );
    await send('POST', '/apps/ORDERS', springJson('orders', 'o-1', 7001));
    await bad(400, 'PUT', '/apps/ORDERS/o-1/status?value=ASLEEP', undefined, json, /value: must be one of/);
    await bad(400, 'PUT', '/apps/ORDERS/o-1/status', undefined, json, /value: is required/);
    await bad(
      400,
      'PUT',
      '/apps/ORDERS/o-1?lastDirtyTimestamp=soon',
      undefined,
      json,
      /lastDirtyTimestamp: must be a time/,
    );
    await bad(404, 'GET', '/apps/NOPE', undefined, json, /No application named NOPE/);
    await bad(405, 'POST', '/apps/ORDERS/o-1', springJson('orders', 'o-1', 1), json, /POST registers an instance/);
    const huge = await send('POST', '/apps/ORDERS', 'x'.repeat(300 * 1024));
    expect(huge.status).toBe(413);
  });
});

describe('Eureka REST API with an ACL token', () => {
  it('needs the token, which Eureka clients send as the Basic auth password', async () => {
    const registry = await startTestRegistry({ dnsPort: false, aclToken: 's3cret' });
    try {
      const body = JSON.stringify(springJson('orders', 'o-1', 7001));
      const headers = { 'content-type': 'application/json' };
      expect((await call(registry.url, '/eureka/apps/ORDERS', { method: 'POST', headers, body })).status).toBe(403);
      const wrong = `Basic ${Buffer.from('eureka:nope').toString('base64')}`;
      const right = `Basic ${Buffer.from('eureka:s3cret').toString('base64')}`;
      const post = (authorization: string) =>
        call(registry.url, '/eureka/apps/ORDERS', { method: 'POST', headers: { ...headers, authorization }, body });
      expect((await post(wrong)).status).toBe(403);
      expect((await post(right)).status).toBe(204);
      expect((await call(registry.url, '/eureka/apps')).status).toBe(403);
      expect((await call(registry.url, '/eureka/apps', { headers: { 'x-consul-token': 's3cret' } })).status).toBe(200);
    } finally {
      await registry.close();
    }
  });
});

describe('Eureka and Consul registries', () => {
  it('are apart: a Eureka instance is not in the Consul catalog', async () => {
    const registry = await startTestRegistry({ dnsPort: false });
    try {
      const body = JSON.stringify(springJson('orders', 'o-1', 7001));
      await call(registry.url, '/eureka/apps/ORDERS', { method: 'POST', headers: json, body });
      expect((await call(registry.url, '/v1/catalog/services')).json()).toEqual({ consul: [] });
    } finally {
      await registry.close();
    }
  });
});
