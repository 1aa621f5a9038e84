import { RegistryUnavailableError } from '../errors';
import type { ConsulHttp } from '../backends/consul-http';
import type { BlockingPage, RateLimit } from '../backends/consul-watch';
import { ConsulBlockingWatch } from '../backends/consul-watch';
import { type KvSettings, type KvWatch, type KvWatchRequest, RegistryKv } from './registry-kv';

/** What the Consul KV takes from its registry's settings. */
export interface ConsulKvSettings extends KvSettings {
  /** Consul duration a blocking read may wait, e.g. "30s". */
  blockingWait: string;
  /** Deadline of one blocking read (the wait, Consul's jitter and the trip). */
  blockingTimeoutMs: number;
  requestTimeoutMs: number;
  rateLimit: RateLimit;
}

interface ConsulKvEntry {
  Key?: unknown;
  Value?: unknown;
}

/**
 * Consul's KV store over the registry's HTTP client (the same agent, ACL token, TLS and timeouts).
 * A watch is a blocking query on `/v1/kv/<prefix>?recurse`, run by the same loop as the registry's
 * instance watches: the X-Consul-Index carried from read to read and reset when it goes backwards
 * or after an error, paced so that a server answering at once cannot make it spin, failures backed
 * off with jitter.
 */
export class ConsulKv extends RegistryKv {
  readonly kind = 'consul';

  constructor(
    private readonly http: ConsulHttp,
    private readonly o: ConsulKvSettings,
  ) {
    super(o);
  }

  async list(prefix: string): Promise<Map<string, string>> {
    return (await this.readPrefix(prefix, 0, this.o.requestTimeoutMs)).value;
  }

  protected openWatch(request: KvWatchRequest): KvWatch {
    const fetchPage = (index: number, signal: AbortSignal) =>
      this.readPrefix(request.prefix, index, this.o.blockingTimeoutMs, signal);
    const connectionsLost = () => this.http.connectionsLost;
    return new ConsulBlockingWatch({ ...request, fetchPage, rateLimit: this.o.rateLimit, connectionsLost }).start();
  }

  protected async write(key: string, value: string): Promise<void> {
    await this.http.call('PUT', keyPath(key), { text: value, timeoutMs: this.o.requestTimeoutMs });
  }

  protected async remove(key: string): Promise<void> {
    await this.http.call('DELETE', keyPath(key), { timeoutMs: this.o.requestTimeoutMs });
  }

  /** Every key under `prefix`; with an index above 0, a blocking read that returns on change or timeout. */
  private async readPrefix(
    prefix: string,
    index: number,
    timeoutMs: number,
    signal?: AbortSignal,
  ): Promise<BlockingPage<Map<string, string>>> {
    const query = new URLSearchParams({ recurse: '' });
    if (index > 0) {
      query.set('index', String(index));
      query.set('wait', this.o.blockingWait);
    }
    // 404: nothing under the prefix yet; the answer still carries the index to block on.
    const answer = await this.http.call('GET', `${keyPath(prefix)}?${query}`, {
      okStatuses: [404],
      timeoutMs,
      signal,
      json: true,
    });
    const entries = new Map<string, string>();
    if (answer.status === 404) return { value: entries, index: answer.index };
    if (!Array.isArray(answer.body)) throw new RegistryUnavailableError(`consul KV under ${prefix} is not a list`);
    for (const entry of answer.body as ConsulKvEntry[]) {
      // Keys ending in "/" are folders (the Consul UI creates them); null or empty values are unset.
      if (typeof entry.Key !== 'string' || entry.Key.endsWith('/')) continue;
      if (typeof entry.Value !== 'string' || entry.Value === '') continue;
      entries.set(entry.Key, Buffer.from(entry.Value, 'base64').toString('utf8'));
    }
    return { value: entries, index: answer.index };
  }
}

function keyPath(key: string): string {
  return `/v1/kv/${key.split('/').map(encodeURIComponent).join('/')}`;
}
