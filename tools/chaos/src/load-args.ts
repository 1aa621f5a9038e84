import { parseCommandLine, parseDuration, UsageError } from '@lab/common';

export const LOAD_USAGE = `Usage: npm run load -- [--rate R] [--duration D] [--header 'name: value']... [--by HEADER] [path]

  --rate R          requests per second, sent on schedule whatever the answers take (open loop); default 10
  --duration D      how long: seconds (30) or a duration (30s, 2m); default 10s
  --header 'n: v'   a request header (repeatable), e.g. --header 'canary: true'
  --by HEADER       the response header that names the serving instance and version; default
                    x-served-by (the gateway's), counted by its version= part
  path              through the gateway; default /api/products

Each second prints the answers that arrived in it: successes, failures by status, p50/p99 latency
(from when each request was due) and the split by serving version; then the whole run. The gateway
is the running stack's (npm start's .dev-stack/state.json), or GW.`;

export interface LoadOptions {
  rate: number;
  durationMs: number;
  path: string;
  headers: Record<string, string>;
  /** Response headers tried in order for the split; the first one present counts. */
  splitHeaders: string[];
}

/**
 * The response header that names what served a request: the gateway's
 * `x-served-by: product-service-2; version=v2`, counted by its version (by the instance without one).
 */
export const SPLIT_HEADERS = ['x-served-by'];

/** What a split header counts: its `version=` parameter when it has one, else the whole value. */
export function servedByKey(value: string): string {
  return /(?:^|;)\s*version=([^;\s]+)/.exec(value)?.[1] ?? value.trim();
}

export function parseLoadArgs(argv: readonly string[]): LoadOptions | 'help' {
  const { values, positionals } = parseCommandLine(argv, {
    allowPositionals: true,
    options: {
      rate: { type: 'string' },
      duration: { type: 'string' },
      header: { type: 'string', multiple: true },
      by: { type: 'string' },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  if (values.help) return 'help';
  if (positionals.length > 1) throw new UsageError(`one path at most, got ${positionals.join(' ')}`);
  const path = positionals[0] ?? '/api/products';
  if (!path.startsWith('/')) throw new UsageError(`the path must start with /, got "${path}"`);

  const rate = Number(values.rate ?? '10');
  if (!Number.isFinite(rate) || rate <= 0 || rate > 5000)
    throw new UsageError(
      `--rate must be a number of requests per second above 0 and at most 5000, got "${values.rate}"`,
    );
  const durationMs = duration(values.duration ?? '10s');

  const headers: Record<string, string> = {};
  for (const header of values.header ?? []) {
    const colon = header.indexOf(':');
    const name = header.slice(0, colon).trim().toLowerCase();
    if (colon <= 0 || !/^[!#$%&'*+.^_`|~0-9a-z-]+$/.test(name))
      throw new UsageError(`--header must be 'name: value', got "${header}"`);
    headers[name] = header.slice(colon + 1).trim();
  }
  const by = values.by?.trim().toLowerCase();
  if (by !== undefined && !/^[a-z0-9-]+$/.test(by))
    throw new UsageError(`--by must be a header name, got "${values.by}"`);
  return { rate, durationMs, path, headers, splitHeaders: by ? [by] : SPLIT_HEADERS };
}

function duration(text: string): number {
  let ms: number;
  try {
    ms = /^\d+(\.\d+)?$/.test(text) ? Number(text) * 1000 : parseDuration(text);
  } catch {
    throw new UsageError(`--duration must be seconds or a duration such as 30s or 2m, got "${text}"`);
  }
  if (!(ms >= 1000 && ms <= 3_600_000)) throw new UsageError(`--duration must be from 1s to 1h, got "${text}"`);
  return ms;
}
