import { connect, type AddressInfo } from 'node:net';
import { createServer } from 'node:tls';
import type { TestPki } from './test-pki';

export interface TlsProxy {
  /** https://127.0.0.1:<port> */
  url: string;
  port: number;
  close(): Promise<void>;
}

/**
 * TLS in front of a plain TCP server on 127.0.0.1 (the dev registry), as a Consul agent with
 * verify_incoming is: it presents the PKI's server certificate and accepts only clients with a
 * certificate the PKI's CA signed.
 */
export async function startTlsProxy(pki: TestPki, targetPort: number): Promise<TlsProxy> {
  const server = createServer({ ...pki.server, ca: pki.ca, requestCert: true, rejectUnauthorized: true }, (socket) => {
    const upstream = connect(targetPort, '127.0.0.1');
    socket.pipe(upstream).pipe(socket);
    const end = (): void => {
      socket.destroy();
      upstream.destroy();
    };
    socket.on('error', end);
    upstream.on('error', end);
    socket.on('close', end);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `https://127.0.0.1:${port}`,
    port,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
