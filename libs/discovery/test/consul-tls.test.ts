import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { connect, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createServer, type Server } from 'node:tls';
import { ConsulRegistry } from '../src/backends/consul-registry';
import type { ConsulTls } from '../src/backends/consul-http';
import { RegistryUnavailableError } from '../src/errors';
import { startEmbeddedConsul } from './support/consul';

interface Pki {
  ca: string;
  server: { cert: string; key: string };
  client: { cert: string; key: string };
}

/** A throwaway CA with a server certificate for 127.0.0.1 and a client certificate, made by openssl. */
function makePki(dir: string): Pki {
  const openssl = (...args: string[]): void => void execFileSync('openssl', args, { cwd: dir, stdio: 'ignore' });
  const ec = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];
  openssl('req', '-x509', ...ec, '-keyout', 'ca.key', '-out', 'ca.crt', '-days', '1', '-subj', '/CN=lab test CA');
  const issue = (name: string, extensions: string): { cert: string; key: string } => {
    writeFileSync(path.join(dir, `${name}.ext`), extensions);
    openssl('req', ...ec, '-keyout', `${name}.key`, '-out', `${name}.csr`, '-subj', `/CN=${name}`);
    openssl(
      'x509',
      '-req',
      '-in',
      `${name}.csr`,
      '-CA',
      'ca.crt',
      '-CAkey',
      'ca.key',
      '-CAcreateserial',
      '-days',
      '1',
      '-out',
      `${name}.crt`,
      '-extfile',
      `${name}.ext`,
    );
    return {
      cert: readFileSync(path.join(dir, `${name}.crt`), 'utf8'),
      key: readFileSync(path.join(dir, `${name}.key`), 'utf8'),
    };
  };
  return {
    server: issue('server', 'subjectAltName=IP:127.0.0.1\nextendedKeyUsage=serverAuth\n'),
    client: issue('client', 'extendedKeyUsage=clientAuth\n'),
    ca: readFileSync(path.join(dir, 'ca.crt'), 'utf8'),
  };
}

const hasOpenssl = !spawnSync('openssl', ['version'], { stdio: 'ignore' }).error;
if (!hasOpenssl) console.log('skipping the Consul TLS tests: no openssl to make certificates with');

// An agent with verify_incoming: TLS in front of a Consul API, requiring a client certificate
// signed by the CA. The registry must present one and trust the CA.
(hasOpenssl ? describe : describe.skip)('ConsulRegistry over TLS', () => {
  let dir: string;
  let pki: Pki;
  let consul: Awaited<ReturnType<typeof startEmbeddedConsul>>;
  let proxy: Server;
  let url: string;
  const registries: ConsulRegistry[] = [];

  const registry = (tls: ConsulTls): ConsulRegistry => {
    const created = new ConsulRegistry({ url, tls, requestTimeoutMs: 2000 });
    registries.push(created);
    return created;
  };
  const me = { id: 'tls-1', name: 'tls-demo', address: '127.0.0.1', port: 5000 };

  beforeAll(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'lab-consul-tls-'));
    pki = makePki(dir);
    consul = await startEmbeddedConsul();
    proxy = createServer({ ...pki.server, ca: pki.ca, requestCert: true, rejectUnauthorized: true }, (socket) => {
      const upstream = connect(consul.port, '127.0.0.1');
      socket.pipe(upstream).pipe(socket);
      const end = (): void => {
        socket.destroy();
        upstream.destroy();
      };
      socket.on('error', end);
      upstream.on('error', end);
    });
    await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve));
    url = `https://127.0.0.1:${(proxy.address() as AddressInfo).port}`;
  });
  afterEach(async () => {
    await Promise.all(registries.splice(0).map((r) => r.close()));
  });
  afterAll(async () => {
    await new Promise<void>((resolve) => proxy.close(() => resolve()));
    await consul.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('registers and lists with the CA, a client certificate and its key', async () => {
    const trusted = registry({ ca: pki.ca, cert: pki.client.cert, key: pki.client.key });
    await trusted.register(me);
    expect((await trusted.healthyInstances('tls-demo')).map((i) => i.id)).toEqual(['tls-1']);
    await trusted.deregister(me.id);
  });

  it('is refused without a client certificate', async () => {
    await expect(registry({ ca: pki.ca }).healthyInstances('tls-demo')).rejects.toBeInstanceOf(
      RegistryUnavailableError,
    );
  });

  it('does not trust the agent without its CA, unless told to accept any certificate', async () => {
    const client = { cert: pki.client.cert, key: pki.client.key };
    await expect(registry(client).healthyInstances('tls-demo')).rejects.toThrow(/certificate/i);
    await expect(registry({ ...client, rejectUnauthorized: false }).healthyInstances('tls-demo')).resolves.toEqual([]);
  });
});
