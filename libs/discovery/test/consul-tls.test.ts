import {
  createTestPki,
  describeWithRequirement,
  opensslRequirement,
  startTlsProxy,
  type TestPki,
  type TlsProxy,
} from './support/infra';
import { ConsulRegistry } from '../src/backends/consul-registry';
import type { ConsulTls } from '../src/backends/consul-http';
import { RegistryUnavailableError } from '../src/errors';
import { startEmbeddedConsul } from './support/consul';

// An agent with verify_incoming: TLS in front of a Consul API, requiring a client certificate
// signed by the CA. The registry, and its KV store on the same client, must present one and trust the CA.
describeWithRequirement(opensslRequirement(), 'ConsulRegistry over TLS', () => {
  let pki: TestPki;
  let consul: Awaited<ReturnType<typeof startEmbeddedConsul>>;
  let proxy: TlsProxy;
  const registries: ConsulRegistry[] = [];

  const registry = (tls: ConsulTls): ConsulRegistry => {
    const created = new ConsulRegistry({ url: proxy.url, tls, requestTimeoutMs: 2000 });
    registries.push(created);
    return created;
  };
  const me = { id: 'tls-1', name: 'tls-demo', address: '127.0.0.1', port: 5000 };

  beforeAll(async () => {
    pki = createTestPki();
    consul = await startEmbeddedConsul();
    proxy = await startTlsProxy(pki, consul.port);
  });
  afterEach(async () => {
    await Promise.all(registries.splice(0).map((r) => r.close()));
  });
  afterAll(async () => {
    await proxy?.close();
    await consul?.close();
  });

  it('registers and lists with the CA, a client certificate and its key', async () => {
    const trusted = registry({ ca: pki.ca, cert: pki.client.cert, key: pki.client.key });
    await trusted.register(me);
    expect((await trusted.healthyInstances('tls-demo')).map((i) => i.id)).toEqual(['tls-1']);
    await trusted.deregister(me.id);
  });

  it('reaches the KV store through the same client and certificates', async () => {
    const trusted = registry({ ca: pki.ca, cert: pki.client.cert, key: pki.client.key });
    await trusted.kv.put('config/tls-demo/logLevel', 'debug');
    expect(Object.fromEntries(await trusted.kv.list('config/tls-demo/'))).toEqual({
      'config/tls-demo/logLevel': 'debug',
    });
    await trusted.kv.delete('config/tls-demo/logLevel');
  });

  it('is refused without a client certificate', async () => {
    const untrusted = registry({ ca: pki.ca });
    await expect(untrusted.healthyInstances('tls-demo')).rejects.toBeInstanceOf(RegistryUnavailableError);
    await expect(untrusted.kv.list('config/')).rejects.toBeInstanceOf(RegistryUnavailableError);
  });

  it('does not trust the agent without its CA, unless told to accept any certificate', async () => {
    const client = { cert: pki.client.cert, key: pki.client.key };
    await expect(registry(client).healthyInstances('tls-demo')).rejects.toThrow(/certificate/i);
    await expect(registry({ ...client, rejectUnauthorized: false }).healthyInstances('tls-demo')).resolves.toEqual([]);
  });
});
