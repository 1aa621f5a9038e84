import { backoffDelay, type BackoffOptions, errorMessage, type Logger, sleep } from '@lab/common';
import type { Etcd3, IKeyValue, Watcher } from 'etcd3';
import type { WatchDelivery } from '../internal/watch-delivery';
import { WatchLoop } from '../internal/watch-loop';
import { etcdUnavailable } from './etcd-errors';

export interface EtcdWatchOptions<V, T> {
  client: Etcd3;
  /** Every key below it is followed, e.g. `/services/<name>/` or `config/<service>/`. */
  prefix: string;
  /** What one key's value stands for; undefined leaves the key out (unreadable, or empty). */
  decode(kv: IKeyValue): V | undefined;
  /** What the listener receives, from every key's decoded value. */
  view(entries: ReadonlyMap<string, V>): T;
  delivery: WatchDelivery<T>;
  backoff: BackoffOptions;
  /** Names the watch in log lines, e.g. { service } or { prefix }. */
  context: object;
  logger: Logger;
  onClosed?(): void;
}

/**
 * Every key under one prefix, followed through an etcd watch: a service's instances, or the KV
 * entries of a configuration.
 *
 * Each round reads the prefix (the full state and its revision), delivers it, then watches from
 * the next revision, so nothing that happens in between is missed. When the watch stream breaks
 * (etcd stopped, restarted, or the watch was cancelled by compaction) the round ends, the listener
 * hears onError, and after a backoff the next round reads everything again: an etcd that came back
 * empty, with its revisions starting over, is picked up at once instead of being watched from a
 * revision it will not reach for a long time.
 */
export class EtcdPrefixWatch<V, T> extends WatchLoop {
  private readonly entries = new Map<string, V>();
  private watcher: Watcher | undefined;
  private cancelled: Promise<void> = Promise.resolve();
  private failures = 0;

  constructor(private readonly o: EtcdWatchOptions<V, T>) {
    super(o.context, o.logger, o.onClosed);
  }

  /** Settles once the etcd watcher of the closed watch is cancelled (its owner awaits it). */
  whenCancelled(): Promise<void> {
    return this.cancelled;
  }

  protected override stopped(): void {
    this.stopWatcher();
  }

  protected async run(signal: AbortSignal): Promise<void> {
    while (!this.closed) {
      try {
        const revision = await this.load();
        if (this.closed) return;
        this.watcher = this.o.client
          .watch()
          .prefix(this.o.prefix)
          .startRevision(String(revision + 1n))
          .watcher();
        const ended = await this.follow(this.watcher, signal);
        if (this.closed) return;
        throw ended;
      } catch (error) {
        this.stopWatcher();
        if (this.closed) return;
        this.failures += 1;
        this.o.logger.debug(
          { ...this.o.context, err: errorMessage(error), failures: this.failures },
          'etcd watch failed',
        );
        this.o.delivery.failed(etcdUnavailable(`watch of ${this.o.prefix}`, error));
        await sleep(backoffDelay(this.failures, this.o.backoff), signal).catch(() => undefined);
      }
    }
  }

  private stopWatcher(): void {
    const watcher = this.watcher;
    this.watcher = undefined;
    if (watcher === undefined) return;
    watcher.removeAllListeners();
    // A late error event with no listener would be thrown by the emitter.
    watcher.on('error', () => undefined);
    this.cancelled = watcher.cancel().catch(() => undefined);
  }

  /** Reads every key under the prefix, delivers them, and returns the revision read at. */
  private async load(): Promise<bigint> {
    const answer = await this.o.client.getAll().prefix(this.o.prefix).exec();
    if (this.closed) return 0n;
    this.entries.clear();
    for (const kv of answer.kvs) this.apply(kv);
    this.deliver();
    return BigInt(answer.header.revision);
  }

  /** Applies the watch's events until its stream breaks (resolves with why) or the watch closes. */
  private follow(watcher: Watcher, signal: AbortSignal): Promise<Error> {
    watcher.on('connected', () => (this.failures = 0));
    watcher.on('put', (kv) => this.apply(kv));
    watcher.on('delete', (kv) => this.entries.delete(kv.key.toString()));
    // 'data' comes after the put and delete events of one response: deliver once per response.
    watcher.on('data', () => this.deliver());
    return new Promise((resolve) => {
      watcher.once('disconnected', resolve);
      watcher.once('error', resolve);
      signal.addEventListener('abort', () => resolve(new Error('watch closed')), { once: true });
    });
  }

  private apply(kv: IKeyValue): void {
    const key = kv.key.toString();
    const value = this.o.decode(kv);
    if (value === undefined) this.entries.delete(key);
    else this.entries.set(key, value);
  }

  private deliver(): void {
    this.o.delivery.deliver(this.o.view(this.entries));
  }
}

/** How long closing waits for etcd to confirm that closed watches are cancelled. */
const CANCEL_GRACE_MS = 1000;

/**
 * Resolves once etcd has cancelled the watchers of these closed watches (a round trip each), or
 * after a second: a stuck connection must not hold a close() up.
 */
export async function cancelled(watches: readonly EtcdPrefixWatch<unknown, unknown>[]): Promise<void> {
  const grace = new AbortController();
  await Promise.race([
    Promise.all(watches.map((watch) => watch.whenCancelled())),
    sleep(CANCEL_GRACE_MS, grace.signal).catch(() => undefined),
  ]);
  grace.abort();
}
