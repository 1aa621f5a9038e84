import type { ServerResponse } from 'node:http';

/** Writes a JSON answer; `pretty` follows Consul's ?pretty. */
export function sendJson(
  res: ServerResponse,
  body: unknown,
  options: { status?: number; pretty?: boolean } = {},
): void {
  const text = options.pretty ? `${JSON.stringify(body, null, 4)}\n` : JSON.stringify(body);
  res.writeHead(options.status ?? 200, {
    'content-type': 'application/json',
    'content-length': Buffer.byteLength(text),
  });
  res.end(text);
}

/** Consul answers errors (and a few successes) as plain text. */
export function sendText(
  res: ServerResponse,
  status: number,
  text: string,
  headers: Readonly<Record<string, string>> = {},
): void {
  res.writeHead(status, {
    ...headers,
    'content-type': 'text/plain; charset=utf-8',
    'content-length': Buffer.byteLength(text),
    'x-content-type-options': 'nosniff',
  });
  res.end(text);
}

/** A success with no body, as Consul's agent write endpoints answer. */
export function sendEmpty(res: ServerResponse, status = 200): void {
  res.writeHead(status, { 'content-length': 0 });
  res.end();
}

/**
 * The query metadata Consul puts on every read that supports blocking. The index is never 0:
 * clients treat 0 as "no index" and would never block.
 */
export function setQueryMeta(res: ServerResponse, index: number): void {
  res.setHeader('x-consul-index', String(Math.max(1, index)));
  res.setHeader('x-consul-knownleader', 'true');
  res.setHeader('x-consul-lastcontact', '0');
}
