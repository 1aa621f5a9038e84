/** A small fetch wrapper for the tests: JSON in, parsed body out, nothing hidden. */
export interface HttpResult {
  status: number;
  headers: Headers;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  body: any;
}

export interface CallOptions {
  token?: string;
  body?: unknown;
  /** Sent as is with Content-Type application/json (malformed or oversized bodies). */
  rawBody?: string;
  headers?: Record<string, string>;
}

export async function call(baseUrl: string, method: string, path: string, o: CallOptions = {}): Promise<HttpResult> {
  const headers: Record<string, string> = { ...o.headers };
  if (o.token !== undefined) headers.authorization = `Bearer ${o.token}`;
  let body: string | undefined = o.rawBody;
  if (o.body !== undefined) body = JSON.stringify(o.body);
  if (body !== undefined) headers['content-type'] ??= 'application/json';
  const response = await fetch(`${baseUrl}${path}`, { method, headers, body });
  const text = await response.text();
  const type = response.headers.get('content-type') ?? '';
  return { status: response.status, headers: response.headers, body: type.includes('json') && text ? JSON.parse(text) : text };
}

/** Asserts a problem+json answer with `status` that names `field` among its errors, when given. */
export function expectProblem(result: HttpResult, status: number, field?: string): void {
  expect({ status: result.status, type: result.headers.get('content-type') }).toEqual({
    status,
    type: expect.stringContaining('application/problem+json'),
  });
  expect(result.body).toMatchObject({ status, title: expect.any(String) });
  if (field !== undefined) {
    expect(result.body.errors).toEqual(expect.arrayContaining([expect.objectContaining({ field })]));
  }
}
