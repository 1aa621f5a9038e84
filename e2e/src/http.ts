/** Small JSON-over-fetch helpers for the end-to-end suites. */
// Response bodies are whatever the services answered; each test asserts the shape it relies on.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type Json = any;

export interface JsonResponse<T = Json> {
  status: number;
  headers: Headers;
  body: T;
}

export async function call<T = Json>(
  base: string,
  method: string,
  path: string,
  options: CallOptions = {},
): Promise<JsonResponse<T>> {
  const headers: Record<string, string> = { ...options.headers };
  if (options.token) headers.authorization = `Bearer ${options.token}`;
  let body: string | undefined = options.rawBody;
  if (options.body !== undefined) {
    body = JSON.stringify(options.body);
  }
  if (body !== undefined) headers['content-type'] ??= 'application/json';
  const res = await fetch(base + path, { method, headers, body, signal: AbortSignal.timeout(15_000) });
  const text = await res.text();
  let parsed: unknown = text;
  try {
    parsed = text ? JSON.parse(text) : undefined;
  } catch {
    // not JSON: keep the text
  }
  return { status: res.status, headers: res.headers, body: parsed as T };
}

/** Sums a Prometheus counter's samples whose labels include every given label. */
export function counterValue(metricsText: string, metric: string, labels: Record<string, string>): number {
  let total = 0;
  for (const line of metricsText.split('\n')) {
    if (!line.startsWith(metric + '{')) continue;
    const labelText = line.slice(metric.length + 1, line.indexOf('}'));
    if (Object.entries(labels).every(([k, v]) => labelText.includes(`${k}="${v}"`))) {
      total += Number(line.slice(line.lastIndexOf(' ') + 1));
    }
  }
  return total;
}

export type CallOptions = { body?: unknown; rawBody?: string; token?: string; headers?: Record<string, string> };
export type Api = (method: string, path: string, options?: CallOptions) => Promise<JsonResponse>;
