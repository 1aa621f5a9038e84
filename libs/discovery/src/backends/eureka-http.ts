import { describeError } from '@lab/common';
import { RegistryUnavailableError } from '../errors';

export interface EurekaCall {
  body?: unknown;
  /** Statuses answered as they are (404: no such instance) besides 2xx. */
  okStatuses?: readonly number[];
  timeoutMs: number;
  signal?: AbortSignal;
}

export interface EurekaAnswer {
  status: number;
  /** Parsed JSON of a 2xx answer that has a body. */
  body: unknown;
}

/**
 * The HTTP side of the Eureka backend: the service URL (Spring's `http://host:8761/eureka`, or
 * Netflix's `.../eureka/v2`), credentials as Eureka clients carry them (HTTP Basic, from the URL's
 * user info as in Spring's `defaultZone`, or a token as the password), JSON both ways, a deadline on
 * every call, and every failure turned into RegistryUnavailableError.
 */
export class EurekaHttp {
  private readonly base: string;
  private readonly headers: Record<string, string>;

  constructor(url: string, token?: string) {
    const parsed = new URL(url);
    const user = decodeURIComponent(parsed.username);
    const password = decodeURIComponent(parsed.password);
    parsed.username = '';
    parsed.password = '';
    this.base = parsed.toString().replace(/\/+$/, '');
    this.headers = { accept: 'application/json' };
    const credentials = user || password ? `${user}:${password}` : token ? `eureka:${token}` : undefined;
    if (credentials !== undefined)
      this.headers.authorization = `Basic ${Buffer.from(credentials, 'utf8').toString('base64')}`;
  }

  /** The service URL without credentials, for messages. */
  get url(): string {
    return this.base;
  }

  async call(method: string, path: string, o: EurekaCall): Promise<EurekaAnswer> {
    const signal = o.signal
      ? AbortSignal.any([o.signal, AbortSignal.timeout(o.timeoutMs)])
      : AbortSignal.timeout(o.timeoutMs);
    let response: Response;
    try {
      response = await fetch(`${this.base}${path}`, {
        method,
        headers: o.body === undefined ? this.headers : { ...this.headers, 'content-type': 'application/json' },
        body: o.body === undefined ? undefined : JSON.stringify(o.body),
        signal,
      });
    } catch (error) {
      if (o.signal?.aborted) throw error;
      throw new RegistryUnavailableError(`Eureka ${method} ${path} failed: ${describeError(error)}`, undefined, {
        cause: error,
      });
    }
    const text = await response.text().catch(() => '');
    if (response.ok) {
      if (text === '') return { status: response.status, body: undefined };
      try {
        return { status: response.status, body: JSON.parse(text) as unknown };
      } catch (error) {
        throw new RegistryUnavailableError(
          `Eureka ${method} ${path} answered something that is not JSON`,
          response.status,
          { cause: error },
        );
      }
    }
    if (o.okStatuses?.includes(response.status)) return { status: response.status, body: undefined };
    throw new RegistryUnavailableError(
      `Eureka ${method} ${path} answered HTTP ${response.status}${text ? `: ${text.slice(0, 200)}` : ''}`,
      response.status,
    );
  }
}
