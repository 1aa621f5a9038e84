import { startDevRegistry, type DevRegistry } from '@lab/dev-registry';
import { ConsulRegistry } from '@lab/discovery';
import {
  createTestPki,
  describeWithRequirement,
  opensslRequirement,
  startStub,
  startTlsProxy,
  waitFor,
  type RunningStub,
  type TestPki,
  type TlsProxy,
} from '@lab/testing';
import { startService, type RunningService } from '../src';
import { quietLogger, sendJson, testEnv } from './support/example-service';
import { liveService } from './support/live-service';

/**
 * A service whose registry is an https agent with a private CA and client certificates
 * (verify_incoming): configured once (CONSUL_URL, CONSUL_CA, CONSUL_CERT, CONSUL_KEY), it registers,
 * finds a neighbour, and applies a change written to the KV store, all over that one TLS client.
 */
describeWithRequirement(opensslRequirement(), 'a service on a Consul agent behind TLS', () => {
  let pki: TestPki;
  let consul: DevRegistry;
  let proxy: TlsProxy;
  let observer: ConsulRegistry;
  let echo: RunningStub;
  let service: RunningService;
  const instanceId = `live-tls-${process.pid}`;

  beforeAll(async () => {
    pki = createTestPki();
    consul = await startDevRegistry({ port: 0, minCheckIntervalMs: 100 });
    proxy = await startTlsProxy(pki, consul.port);
    const tls = { ca: pki.ca, cert: pki.client.cert, key: pki.client.key };
    observer = new ConsulRegistry({ url: proxy.url, tls });
    echo = await startStub(observer, 'echo-service', (_req, res) => sendJson(res, 200, { echoed: 'over tls' }));
    service = await startService(liveService, {
      env: testEnv({
        INSTANCE_ID: instanceId,
        DISCOVERY_BACKEND: 'consul',
        CONSUL_URL: proxy.url,
        CONSUL_CA: pki.ca,
        CONSUL_CERT: pki.client.cert,
        CONSUL_KEY: pki.client.key,
      }),
      logger: quietLogger,
    });
  });
  afterAll(async () => {
    await service?.stop();
    await echo?.stop();
    await observer?.close();
    await proxy?.close();
    await consul?.close();
  });

  it('registers: the agent lists it once its check passes', async () => {
    await waitFor(async () => (await observer.healthyInstances('live-service')).some((i) => i.id === instanceId), {
      timeoutMs: 8000,
      description: `${instanceId} listed`,
    });
  });

  it('discovers a neighbour through the agent and calls it', async () => {
    const answer = await fetch(`${service.url}/echo`);
    expect(answer.status).toBe(200);
    expect(await answer.json()).toEqual({ echoed: 'over tls' });
  });

  it('applies a change written to the KV store, its watch connected over TLS', async () => {
    expect(service.ctx.configStore.status().kv).toEqual({ kind: 'consul', connected: true });
    const greeting = async () =>
      ((await (await fetch(`${service.url}/greeting?user=u1`)).json()) as { text: string }).text;
    expect(await greeting()).toBe('hello');
    await observer.kv.put('config/live-service/greeting/text', 'bonjour');
    await waitFor(async () => (await greeting()) === 'bonjour', { timeoutMs: 3000, description: 'the change' });
    expect(service.ctx.configStore.explain()['greeting.text']).toEqual({ value: 'bonjour', source: 'kv' });
  });
});
