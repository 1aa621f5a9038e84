import { Agent } from 'undici';
import { RegistryUnavailableError } from '../errors';
import { describeError } from '@lab/common';

export interface ConsulCall {
  /** Sent as JSON. */
  body?: unknown;
  /** Sent as it is (a KV value). */
  text?: string;
  /** Extra statuses to accept besides 2xx (e.g. 404 for an idempotent deregister). */
  okStatuses?: readonly number[];
  timeoutMs: number;
  signal?: AbortSignal;
  /** Parse the answer as JSON (reads); write endpoints answer plain text or nothing. */
  json?: boolean;
}

/** TLS settings for an agent behind https (PEM text, not file names). */
export interface ConsulTls {
  ca?: string;
  cert?: string;
  key?: string;
  /** Default true; false accepts any certificate (a lab agent with a throwaway one). */
  rejectUnauthorized?: boolean;
}

export interface ConsulAnswer {
  status: number;
  /** X-Consul-Index, when the endpoint sent one. */
  index: number | undefined;
  /** The parsed JSON of a 2xx answer when `json` was asked for, otherwise undefined. */
  body: unknown;
}

/**
 * The HTTP side of the Consul backend: one keep-alive connection pool, the ACL token, a deadline on
 * every call, and every failure turned into RegistryUnavailableError. Aborts requested by the caller's
 * signal are rethrown as they are so that a closing watch can tell them apart.
 */
export class ConsulHttp {
  private readonly agent: Agent;
  private readonly origin: string;
  private readonly basePath: string;
  private readonly headers: Record<string, string>;
  private lostConnections = 0;

  constructor(url: string, token: string | undefined, tls?: ConsulTls) {
    // Every call carries its own deadline (a blocking query's is longer than undici's 300s defaults
    // would allow for a long `wait`), so undici's header and body timeouts are switched off.
    this.agent = new Agent({
      keepAliveTimeout: 10_000,
      headersTimeout: 0,
      bodyTimeout: 0,
      connect:
        tls === undefined
          ? undefined
          : { ca: tls.ca, cert: tls.cert, key: tls.key, rejectUnauthorized: tls.rejectUnauthorized ?? true },
    });
    // A connection that broke (the agent went away, perhaps to come back empty) is counted, so that
    // blocking loops start over at index 0 rather than wait out an index the agent may never reach.
    // Our own aborts and idle timeouts are not breaks.
    const counted = (_origin: unknown, _targets: unknown, error: { code?: string } | undefined): void => {
      if (error?.code !== 'UND_ERR_INFO' && error?.code !== 'UND_ERR_ABORTED') this.lostConnections++;
    };
    this.agent.on('disconnect', counted);
    this.agent.on('connectionError', counted);
    const parsed = new URL(url);
    this.origin = parsed.origin;
    this.basePath = parsed.pathname.replace(/\/+$/, '');
    this.headers = { accept: 'application/json' };
    if (token) this.headers['x-consul-token'] = token;
  }

  /** How many connections to the agent broke or could not be made, so far. */
  get connectionsLost(): number {
    return this.lostConnections;
  }

  async call(method: 'GET' | 'PUT' | 'DELETE', path: string, o: ConsulCall): Promise<ConsulAnswer> {
    const deadline = AbortSignal.timeout(o.timeoutMs);
    const signal = o.signal ? AbortSignal.any([o.signal, deadline]) : deadline;
    // Named without its query: a blocking read's index and wait say nothing about what failed.
    const what = `consul ${method} ${path.split('?')[0]}`;
    try {
      const res = await this.agent.request({
        origin: this.origin,
        path: this.basePath + path,
        method,
        headers: o.body === undefined ? this.headers : { ...this.headers, 'content-type': 'application/json' },
        body: o.body === undefined ? o.text : JSON.stringify(o.body),
        signal,
      });
      const text = await res.body.text();
      const success = res.statusCode >= 200 && res.statusCode < 300;
      if (!success && !(o.okStatuses?.includes(res.statusCode) ?? false)) {
        const hint = res.statusCode === 403 ? ' (ACL token missing or without the rights for this)' : '';
        throw new RegistryUnavailableError(
          `${what} answered ${res.statusCode}${hint}: ${text.trim().slice(0, 200)}`,
          res.statusCode,
        );
      }
      return {
        status: res.statusCode,
        index: parseIndex(res.headers['x-consul-index']),
        body: o.json && success ? parseJson(text, what) : undefined,
      };
    } catch (error) {
      if (error instanceof RegistryUnavailableError) throw error;
      if (o.signal?.aborted) throw o.signal.reason;
      if (deadline.aborted) throw new RegistryUnavailableError(`${what} timed out after ${o.timeoutMs}ms`);
      throw new RegistryUnavailableError(`${what} failed: ${describeError(error)}`, undefined, { cause: error });
    }
  }

  async close(): Promise<void> {
    await this.agent.close();
  }
}

function parseIndex(header: string | string[] | undefined): number | undefined {
  const value = Array.isArray(header) ? header[0] : header;
  if (value === undefined) return undefined;
  const index = Number(value);
  return Number.isSafeInteger(index) ? index : undefined;
}

function parseJson(text: string, what: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    throw new RegistryUnavailableError(`${what} answered a body that is not JSON`);
  }
}
