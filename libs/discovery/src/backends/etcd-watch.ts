import type { Etcd3, IKeyValue, Watcher } from 'etcd3';
import { backoffDelay, type BackoffOptions, errorMessage, type Logger, sleep } from '@lab/common';
import { WatchDelivery } from '../internal/watch-delivery';
import { WatchLoop } from '../internal/watch-loop';
import type { InstanceFilter, InstanceListener } from '../types';
import { etcdUnavailable } from './etcd-errors';
import type { InstanceRecord } from './instance-record';
import { decodeInstanceRecord, passingInstances } from './instance-record';

export interface EtcdWatchOptions {
  client: Etcd3;
  service: string;
  /** `/services/<name>/`: every key below it is one instance. */
  prefix: string;
  filter: InstanceFilter | undefined;
  backoff: BackoffOptions;
  logger: Logger;
  onClosed?(): void;
}

/**
 * One service's instances, followed through an etcd prefix watch.
 *
 * Each round reads the prefix (the full state and its revision), delivers it, then watches from
 * the next revision, so nothing that happens in between is missed. When the watch stream breaks
 * (etcd stopped, restarted, or the watch was cancelled by compaction) the round ends, the listener
 * hears onError, and after a backoff the next round reads everything again: a registry that came
 * back empty, with its revisions starting over, is picked up at once instead of being watched
 * from a revision it will not reach for a long time.
 */
export class EtcdServiceWatch extends WatchLoop {
  private readonly delivery: WatchDelivery;
  private readonly records = new Map<string, InstanceRecord>();
  private watcher: Watcher | undefined;
  private cancelled: Promise<void> = Promise.resolve();
  private failures = 0;

  constructor(
    listener: InstanceListener,
    private readonly o: EtcdWatchOptions,
  ) {
    super(o.service, o.logger, o.onClosed);
    this.delivery = new WatchDelivery(listener, o.service, o.logger);
  }

  /** Settles once the etcd watcher of the closed watch is cancelled (the registry awaits it). */
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
          .startRevision(String(revision + 1))
          .watcher();
        const ended = await this.follow(this.watcher, signal);
        if (this.closed) return;
        throw ended;
      } catch (error) {
        this.stopWatcher();
        if (this.closed) return;
        this.o.logger.debug(
          { service: this.o.service, err: errorMessage(error), failures: this.failures + 1 },
          'etcd watch failed',
        );
        this.delivery.failed(etcdUnavailable(`watch of ${this.o.prefix}`, error));
        await sleep(backoffDelay(++this.failures, this.o.backoff), signal).catch(() => undefined);
      }
    }
  }

  private stopWatcher(): void {
    const watcher = this.watcher;
    this.watcher = undefined;
    if (watcher === undefined) return;
    watcher.removeAllListeners();
    this.cancelled = watcher.cancel().catch(() => undefined);
  }

  /** Reads every instance under the prefix, delivers them, and returns the revision read at. */
  private async load(): Promise<number> {
    const answer = await this.o.client.getAll().prefix(this.o.prefix).exec();
    if (this.closed) return 0;
    this.records.clear();
    for (const kv of answer.kvs) this.apply(kv);
    this.delivery.deliver(passingInstances(this.records.values(), this.o.filter));
    return Number(answer.header.revision);
  }

  /** Applies the watch's events until its stream breaks (resolves with why) or the watch closes. */
  private follow(watcher: Watcher, signal: AbortSignal): Promise<Error> {
    watcher.on('connected', () => (this.failures = 0));
    watcher.on('put', (kv) => this.apply(kv));
    watcher.on('delete', (kv) => this.records.delete(kv.key.toString()));
    // 'data' comes after the put and delete events of one response: deliver once per response.
    watcher.on('data', () => this.delivery.deliver(passingInstances(this.records.values(), this.o.filter)));
    return new Promise((resolve) => {
      watcher.once('disconnected', resolve);
      watcher.once('error', resolve);
      signal.addEventListener('abort', () => resolve(new Error('watch closed')), { once: true });
    });
  }

  private apply(kv: IKeyValue): void {
    const key = kv.key.toString();
    const record = decodeInstanceRecord(kv.value.toString());
    if (record === undefined) {
      this.records.delete(key);
      this.o.logger.debug({ service: this.o.service, key }, 'ignoring an etcd value that is not an instance record');
      return;
    }
    this.records.set(key, record);
  }
}
