import http from 'node:http';
import net from 'node:net';
import type { AddressInfo } from 'node:net';
import { startDevRegistry, type DevRegistry, type DevRegistryOptions } from '../src/index';

/** A registry on a free port with a low check floor, closed by the returned function's caller. */
export function startTestRegistry(options: DevRegistryOptions = {}): Promise<DevRegistry> {
  return startDevRegistry({ port: 0, minCheckIntervalMs: 50, ...options });
}

export interface RawResponse {
  status: number;
  headers: Headers;
  text: string;
  /** X-Consul-Index as a number (NaN when missing). */
  index: number;
  json<T = unknown>(): T;
}

/** fetch against the registry, with the body read and X-Consul-Index parsed. */
export async function call(base: string, path: string, init: RequestInit = {}): Promise<RawResponse> {
  const response = await fetch(`${base}${path}`, init);
  const text = await response.text();
  return {
    status: response.status,
    headers: response.headers,
    text,
    index: Number(response.headers.get('x-consul-index')),
    json: <T>() => JSON.parse(text) as T,
  };
}

export const put = (base: string, path: string, body?: unknown): Promise<RawResponse> =>
  call(base, path, {
    method: 'PUT',
    body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
  });

/** A local HTTP server whose answer the test changes at will. */
export async function startTarget(
  initialStatus = 200,
): Promise<{ url: string; status: number; close(): Promise<void> }> {
  const state = { status: initialStatus };
  const server = http.createServer((_req, res) => {
    res.writeHead(state.status, { 'content-type': 'text/plain' });
    res.end(`status ${state.status}`);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/health`,
    get status() {
      return state.status;
    },
    set status(value: number) {
      state.status = value;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** A listening TCP socket; `close()` makes its port refuse connections. */
export async function startTcpTarget(): Promise<{ address: string; close(): Promise<void> }> {
  const sockets = new Set<net.Socket>();
  const server = net.createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => undefined);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    address: `127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}

interface HealthEntry {
  Service: { ID: string };
  Checks: Array<{ CheckID: string; Status: string; Output: string }>;
}

/** The status of one check as /v1/health/service shows it (undefined when the service is gone). */
export async function checkStatus(base: string, service: string, checkId: string): Promise<string | undefined> {
  const entries = (await call(base, `/v1/health/service/${service}`)).json<HealthEntry[]>();
  return entries.flatMap((e) => e.Checks).find((c) => c.CheckID === checkId)?.Status;
}

export type { HealthEntry };
