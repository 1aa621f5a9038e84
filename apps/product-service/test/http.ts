/** A JSON call against a running service, returning what a test needs to assert on. */
export interface Reply {
  status: number;
  headers: Headers;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  body: any;
}

export interface CallOptions {
  /** Sent as JSON. */
  json?: unknown;
  /** Sent verbatim (malformed JSON, other content types). */
  raw?: string;
  contentType?: string;
  token?: string;
  headers?: Record<string, string>;
}

export async function call(baseUrl: string, method: string, path: string, o: CallOptions = {}): Promise<Reply> {
  const headers: Record<string, string> = { ...o.headers };
  if (o.token !== undefined) headers.authorization = `Bearer ${o.token}`;
  let body: string | undefined;
  if (o.json !== undefined || o.raw !== undefined) {
    body = o.raw ?? JSON.stringify(o.json);
    headers['content-type'] = o.contentType ?? 'application/json';
  }
  const res = await fetch(new URL(path, baseUrl), { method, headers, body });
  const text = await res.text();
  const type = res.headers.get('content-type') ?? '';
  return { status: res.status, headers: res.headers, body: text && /json/.test(type) ? JSON.parse(text) : text };
}

/** The fields a problem+json answer names. */
export function problemFields(reply: Reply): string[] {
  return (reply.body?.errors ?? []).map((e: { field: string }) => e.field);
}

export function expectProblem(reply: Reply, status: number, fields?: string[]): void {
  expect({ status: reply.status, type: reply.headers.get('content-type') }).toEqual({
    status,
    type: expect.stringContaining('application/problem+json'),
  });
  expect(reply.body.status).toBe(status);
  if (fields) expect(problemFields(reply)).toEqual(expect.arrayContaining(fields));
}
