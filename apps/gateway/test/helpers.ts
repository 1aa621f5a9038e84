import { once } from 'node:events';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Readable } from 'node:stream';
import type { KvSource } from '@lab/config';
import type { ServiceRegistry } from '@lab/discovery';
import { startService, type RunningService } from '@lab/service-kit';
import { waitFor } from '@lab/testing';
import { gatewayService } from '../src/service';

export interface ReceivedRequest {
  method: string;
  url: string;
  headers: http.IncomingHttpHeaders;
}

/** A real HTTP server on a free port, registered under a service name like a replica would be. */
export interface Upstream {
  readonly id: string;
  readonly port: number;
  readonly received: ReceivedRequest[];
  /** Stops listening and drops open connections; the registry still lists it (a crashed replica). */
  crash(): Promise<void>;
  stop(): Promise<void>;
}

export type UpstreamHandler = (req: http.IncomingMessage, res: http.ServerResponse, upstream: Upstream) => void;

/** Default answer: who served it and what arrived, as JSON; the request body is drained. */
export const echo: UpstreamHandler = (req, res, upstream) => {
  req.resume();
  req.on('end', () => {
    res.setHeader('content-type', 'application/json');
    res.end(JSON.stringify({ instance: upstream.id, method: req.method, url: req.url }));
  });
};

export async function startUpstream(
  registry: ServiceRegistry,
  name: string,
  id: string,
  handler: UpstreamHandler = echo,
  meta?: Record<string, string>,
  /** Where it listens and what it registers as its address: '::1' for an IPv6 replica. */
  host = '127.0.0.1',
): Promise<Upstream> {
  const received: ReceivedRequest[] = [];
  const server = http.createServer((req, res) => {
    received.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers });
    handler(req, res, upstream);
  });
  server.listen(0, host);
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  let closed = false;
  const crash = async (): Promise<void> => {
    if (closed) return;
    closed = true;
    const done = once(server, 'close');
    server.close();
    server.closeAllConnections();
    await done;
  };
  const upstream: Upstream = {
    id,
    port,
    received,
    crash,
    async stop() {
      await registry.deregister(id);
      await crash();
    },
  };
  // Like every instance service-kit registers: on a release track, v1 unless the test says otherwise.
  await registry.register({ id, name, address: host, port, meta: { version: 'v1', ...meta } });
  return upstream;
}

export interface Reply {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: string;
}

/**
 * One request on its own connection; `body` may be a stream (sent chunked unless a length is set).
 * `rawPath` is sent as written, where a URL would have its dot segments resolved.
 */
export function send(
  url: string,
  o: { method?: string; headers?: http.OutgoingHttpHeaders; body?: string | Buffer | Readable; rawPath?: string } = {},
): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const options = {
      method: o.method ?? 'GET',
      headers: o.headers,
      agent: false,
      ...(o.rawPath && { path: o.rawPath }),
    };
    const req = http.request(url, options, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () =>
        resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString() }),
      );
      res.on('error', reject);
    });
    req.on('error', reject);
    if (o.body === undefined || typeof o.body === 'string' || Buffer.isBuffer(o.body)) req.end(o.body);
    else o.body.pipe(req);
  });
}

/** The admin token the test gateways run with: /health/detailed and /metrics need it. */
export const ADMIN_TOKEN = 'gateway-test-admin-token';
export const asAdmin = { authorization: `Bearer ${ADMIN_TOKEN}` };

/** The gateway in-process on a free port, its logs silenced; `env` adds gateway settings. */
export async function startGateway(
  registry: ServiceRegistry,
  env: Record<string, string | undefined> = {},
  kv?: KvSource,
): Promise<RunningService> {
  return startService(gatewayService, {
    registry,
    kv,
    env: { PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'silent', DISCOVERY_BACKEND: 'memory', ADMIN_TOKEN, ...env },
  });
}

/** Waits until the gateway's cache lists `count` healthy instances of `service`. */
export async function gatewaySees(gateway: RunningService, service: string, count: number): Promise<void> {
  const cache = gateway.ctx.services.cache(service);
  await waitFor(() => cache.instances().length === count, { timeoutMs: 2000, intervalMs: 10 });
}

/** Ids of the instances of `service` the gateway's outlier detection has ejected right now. */
export function ejectedFrom(gateway: RunningService, service: string): string[] {
  const entry = gateway.ctx.services.snapshot().find((s) => s.service === service);
  return entry === undefined ? [] : entry.ejected.map((e) => e.id);
}
