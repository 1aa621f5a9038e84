import { type BackoffOptions, errorMessage, type Logger, sleep } from '@lab/common';
import { nextConsulIndex } from './consul-index';
import type { KvSource, KvWatch } from './kv-source';
import { assertKey, KvUnavailableError } from './kv-source';
import { OpenWatches, PrefixWatch, type PrefixWatchOptions } from './prefix-watch';
import { RequestPacer } from './request-pacer';

export interface ConsulKvOptions {
  /** Base URL of a Consul agent (or the dev registry), e.g. http://127.0.0.1:8500 */
  url: string;
  token?: string;
  /** How long one blocking read may wait for a change; Consul caps it at 10 minutes. Default 30 s. */
  blockingWaitSeconds?: number;
  /** Pacing of the watch loop: `burst` reads back to back, then one per `intervalMs`. Default 5 / 200 ms. */
  pacing?: { burst: number; intervalMs: number };
  /** Backoff after a failed read. Default 250 ms doubling to 10 s. */
  retry?: BackoffOptions;
  /** Limit for list/put/delete. Default 5 s. */
  requestTimeoutMs?: number;
  logger?: Logger;
}

interface ConsulKvEntry {
  Key: string;
  Value: string | null;
}

interface Page {
  entries: Map<string, string>;
  index: string | null;
}

/**
 * Consul's KV store over its HTTP API. Watches are blocking queries on `?recurse`, following
 * Consul's rules: the X-Consul-Index is carried from read to read and reset when it goes backwards
 * or is not positive, the loop is paced so a server that answers at once cannot make it spin, and
 * failures back off with jitter.
 */
export class ConsulKv implements KvSource {
  readonly kind = 'consul';
  private readonly base: string;
  private readonly headers: Record<string, string>;
  private readonly watches: OpenWatches<ConsulPrefixWatch>;

  constructor(private readonly o: ConsulKvOptions) {
    this.watches = new OpenWatches(o);
    this.base = o.url.replace(/\/+$/, '');
    this.headers = o.token ? { 'x-consul-token': o.token } : {};
  }

  async list(prefix: string): Promise<Map<string, string>> {
    return (await this.readPrefix(prefix, undefined, AbortSignal.timeout(this.requestTimeoutMs))).entries;
  }

  watch(prefix: string, onChange: (entries: Map<string, string>) => void, onError?: (error: Error) => void): KvWatch {
    return this.watches.open(
      prefix,
      onChange,
      onError,
      (o) => new ConsulPrefixWatch(this, this.o.pacing ?? { burst: 5, intervalMs: 200 }, o),
    );
  }

  async put(key: string, value: string): Promise<void> {
    assertKey(this.kind, key);
    const response = await this.request('PUT', this.keyUrl(key), AbortSignal.timeout(this.requestTimeoutMs), value);
    if (!response.ok) throw await this.failure(response);
  }

  async delete(key: string): Promise<void> {
    assertKey(this.kind, key);
    const response = await this.request('DELETE', this.keyUrl(key), AbortSignal.timeout(this.requestTimeoutMs));
    if (!response.ok) throw await this.failure(response);
  }

  async close(): Promise<void> {
    this.watches.closeAll();
  }

  /** One read of every key under `prefix`; with `index`, a blocking read that returns on change or timeout. */
  async readPrefix(prefix: string, index: number | undefined, signal: AbortSignal): Promise<Page> {
    const query = new URLSearchParams({ recurse: '' });
    if (index !== undefined) {
      query.set('index', String(index));
      query.set('wait', `${this.blockingWaitSeconds}s`);
    }
    const response = await this.request('GET', `${this.keyUrl(prefix)}?${query}`, signal);
    const consulIndex = response.headers.get('x-consul-index');
    if (response.status === 404) {
      await response.body?.cancel();
      return { entries: new Map(), index: consulIndex };
    }
    if (!response.ok) throw await this.failure(response);
    const body = (await response.json()) as ConsulKvEntry[];
    const entries = new Map<string, string>();
    for (const entry of body) {
      // Keys ending in "/" are folders (the Consul UI creates them); null or empty values are unset.
      if (entry.Key.endsWith('/') || !entry.Value) continue;
      entries.set(entry.Key, Buffer.from(entry.Value, 'base64').toString('utf8'));
    }
    return { entries, index: consulIndex };
  }

  /** How long a blocking read may take before the client gives up: Consul adds up to wait/16 of jitter. */
  get blockingTimeoutMs(): number {
    return this.blockingWaitSeconds * 1000 * (17 / 16) + 5_000;
  }

  private get blockingWaitSeconds(): number {
    return this.o.blockingWaitSeconds ?? 30;
  }

  private get requestTimeoutMs(): number {
    return this.o.requestTimeoutMs ?? 5_000;
  }

  private keyUrl(key: string): string {
    return `${this.base}/v1/kv/${key.split('/').map(encodeURIComponent).join('/')}`;
  }

  private async request(method: string, url: string, signal: AbortSignal, body?: string): Promise<Response> {
    try {
      return await fetch(url, { method, headers: this.headers, body, signal });
    } catch (error) {
      if (signal.aborted && (signal.reason as { name?: string } | undefined)?.name === 'AbortError') throw error;
      const cause = (error as { cause?: { code?: string; message?: string } }).cause;
      const why = cause?.code ?? cause?.message ?? errorMessage(error);
      throw new KvUnavailableError(this.kind, `${method} ${new URL(url).pathname} failed: ${why}`, {
        cause: error,
      });
    }
  }

  private async failure(response: Response): Promise<KvUnavailableError> {
    const text = (await response.text().catch(() => '')).slice(0, 200).trim();
    const hint = response.status === 403 ? ' (ACL token missing or without rights)' : '';
    return new KvUnavailableError(this.kind, `HTTP ${response.status}${hint}${text ? `: ${text}` : ''}`);
  }
}

class ConsulPrefixWatch extends PrefixWatch {
  constructor(
    private readonly kv: ConsulKv,
    private readonly pacing: { burst: number; intervalMs: number },
    o: PrefixWatchOptions,
  ) {
    super('consul', o);
    this.run(() => this.loop());
  }

  private async loop(): Promise<void> {
    const closed = this.controller.signal;
    const pacer = new RequestPacer(this.pacing.burst, this.pacing.intervalMs, Date.now());
    let index = 0;
    while (!this.closed) {
      await sleep(pacer.next(Date.now()), closed);
      if (this.closed) return;
      let page: Page;
      try {
        page = await this.kv.readPrefix(
          this.prefix,
          index,
          AbortSignal.any([closed, AbortSignal.timeout(this.kv.blockingTimeoutMs)]),
        );
      } catch (error) {
        if (this.closed) return;
        index = 0;
        await this.failed(error);
        continue;
      }
      this.succeeded();
      index = nextConsulIndex(index, page.index);
      this.deliver(page.entries);
    }
  }
}
