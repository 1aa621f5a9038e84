/** What a test gets back from `call`: the status, the headers and the body, parsed when it is JSON. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export interface HttpReply<B = any> {
  status: number;
  headers: Headers;
  /** Parsed when the Content-Type says JSON (application/json, application/problem+json); else the text. */
  body: B;
}

export interface CallOptions {
  /** Sent as JSON. */
  body?: unknown;
  /** Sent exactly as given (malformed JSON, oversized or non-JSON bodies); wins over `body`. */
  rawBody?: string;
  /** Sent as `Authorization: Bearer <token>`. */
  token?: string;
  /** Extra request headers; a Content-Type here replaces the default application/json. */
  headers?: Record<string, string>;
}

/**
 * One HTTP request against a running service, as a test writes it:
 * `await call(url, 'POST', '/orders', { token, body: { items } })`. `path` is appended to
 * `baseUrl` as written, so a base with a path prefix (a gateway route) works too. Never throws for
 * an HTTP status; only when the server cannot be reached.
 */
export async function call(baseUrl: string, method: string, path: string, o: CallOptions = {}): Promise<HttpReply> {
  const headers = new Headers(o.headers);
  if (o.token !== undefined) headers.set('authorization', `Bearer ${o.token}`);
  const body = o.rawBody ?? (o.body === undefined ? undefined : JSON.stringify(o.body));
  if (body !== undefined && !headers.has('content-type')) headers.set('content-type', 'application/json');
  const response = await fetch(`${baseUrl}${path}`, { method, headers, body });
  const text = await response.text();
  const json = (response.headers.get('content-type') ?? '').includes('json');
  return { status: response.status, headers: response.headers, body: json && text !== '' ? JSON.parse(text) : text };
}
