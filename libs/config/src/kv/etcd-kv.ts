import type { Etcd3, IKeyValue, Watcher } from 'etcd3';
import { type BackoffOptions, errorMessage, type Logger } from '@lab/common';
import type { KvSource, KvWatch } from './kv-source';
import { assertKey, KvUnavailableError } from './kv-source';
import { LazyClient } from './lazy-client';
import { OpenWatches, PrefixWatch, type PrefixWatchOptions } from './prefix-watch';

export interface EtcdKvOptions {
  /** Client URLs, e.g. ['http://127.0.0.1:2379']. */
  endpoints: string[];
  username?: string;
  password?: string;
  /** Backoff between attempts to (re)establish a watch. Default 250 ms doubling to 10 s. */
  retry?: BackoffOptions;
  /** Limit for one request, and for a watch to be acknowledged. Default 5 s. */
  requestTimeoutMs?: number;
  logger?: Logger;
}

/**
 * etcd's key space through the `etcd3` gRPC client (loaded on first use, so that services on other
 * backends never pay for gRPC). A watch lists the prefix, then watches it from the revision after
 * that listing, so no change between the two is missed; a lost stream starts over with a fresh
 * listing after a backoff.
 */
export class EtcdKv implements KvSource {
  readonly kind = 'etcd';
  private readonly connection: LazyClient<Etcd3>;
  private readonly watches: OpenWatches<EtcdPrefixWatch>;

  constructor(private readonly o: EtcdKvOptions) {
    this.watches = new OpenWatches(o);
    this.connection = new LazyClient(this.kind, async () => {
      const etcd = await import('etcd3');
      const { username, password } = o;
      return new etcd.Etcd3({
        hosts: o.endpoints,
        auth: username !== undefined && password !== undefined ? { username, password } : undefined,
        dialTimeout: this.requestTimeoutMs,
      });
    });
    if (o.endpoints.length === 0) throw new RangeError('EtcdKv needs at least one endpoint');
  }

  async list(prefix: string): Promise<Map<string, string>> {
    return (await this.listWithRevision(prefix)).entries;
  }

  watch(prefix: string, onChange: (entries: Map<string, string>) => void, onError?: (error: Error) => void): KvWatch {
    return this.watches.open(prefix, onChange, onError, (o) => new EtcdPrefixWatch(this, o));
  }

  async put(key: string, value: string): Promise<void> {
    assertKey(this.kind, key);
    const client = await this.client();
    await this.call('put', () => client.put(key).value(value).exec());
  }

  async delete(key: string): Promise<void> {
    assertKey(this.kind, key);
    const client = await this.client();
    await this.call('delete', () => client.delete().key(key).exec());
  }

  async close(): Promise<void> {
    this.watches.closeAll();
    await this.connection.close();
  }

  async listWithRevision(prefix: string): Promise<{ entries: Map<string, string>; revision: string }> {
    const client = await this.client();
    const response = await this.call('list', () => client.getAll().prefix(prefix).exec());
    const entries = new Map<string, string>();
    for (const kv of response.kvs) setEntry(entries, kv);
    return { entries, revision: response.header.revision };
  }

  /** Opens a watch on `prefix` from `fromRevision` on; resolves once etcd has acknowledged it. */
  async openWatcher(prefix: string, fromRevision: string): Promise<Watcher> {
    const client = await this.client();
    return this.call('watch', () => client.watch().prefix(prefix).startRevision(fromRevision).create());
  }

  /** The gRPC client, created on first use (loading etcd3 only then). */
  client(): Promise<Etcd3> {
    return this.connection.get();
  }

  private get requestTimeoutMs(): number {
    return this.o.requestTimeoutMs ?? 5_000;
  }

  /** One request with a deadline; etcd3 keeps retrying an unreachable host on its own otherwise. */
  private async call<T>(what: string, run: () => Promise<T>): Promise<T> {
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(new Error(`no answer within ${this.requestTimeoutMs} ms`)),
        this.requestTimeoutMs,
      );
    });
    try {
      return await Promise.race([run(), deadline]);
    } catch (error) {
      throw new KvUnavailableError(this.kind, `${what} failed: ${errorMessage(error)}`, { cause: error });
    } finally {
      clearTimeout(timer);
    }
  }
}

function setEntry(entries: Map<string, string>, kv: IKeyValue): void {
  const value = kv.value.toString('utf8');
  if (value === '') entries.delete(kv.key.toString('utf8'));
  else entries.set(kv.key.toString('utf8'), value);
}

class EtcdPrefixWatch extends PrefixWatch {
  private entries = new Map<string, string>();

  constructor(
    private readonly kv: EtcdKv,
    o: PrefixWatchOptions,
  ) {
    super('etcd', o);
    this.run(() => this.loop());
  }

  private async loop(): Promise<void> {
    while (!this.closed) {
      try {
        const lost = await this.followOnce();
        if (this.closed) return;
        await this.failed(lost);
      } catch (error) {
        if (this.closed) return;
        await this.failed(error);
      }
    }
  }

  /** Lists, then follows the stream until it is lost (resolves with why) or the watch is closed. */
  private async followOnce(): Promise<Error> {
    const { entries, revision } = await this.kv.listWithRevision(this.prefix);
    this.entries = entries;
    this.deliver(this.entries);
    const watcher = await this.kv.openWatcher(this.prefix, (BigInt(revision) + 1n).toString());
    this.succeeded();
    try {
      return await new Promise<Error>((resolve) => {
        watcher.on('data', (response) => {
          for (const event of response.events) {
            if (event.type === 'Delete') this.entries.delete(event.kv.key.toString('utf8'));
            else setEntry(this.entries, event.kv);
          }
          this.deliver(this.entries);
        });
        watcher.on('disconnected', (error) =>
          resolve(new KvUnavailableError('etcd', `watch disconnected: ${error.message}`)),
        );
        watcher.on('error', (error) => resolve(new KvUnavailableError('etcd', `watch cancelled: ${error.message}`)));
        this.controller.signal.addEventListener('abort', () => resolve(new Error('closed')), { once: true });
      });
    } finally {
      watcher.removeAllListeners();
      // A late error event with no listener would be thrown by the emitter.
      watcher.on('error', () => undefined);
      watcher.cancel().catch(() => undefined);
    }
  }
}
