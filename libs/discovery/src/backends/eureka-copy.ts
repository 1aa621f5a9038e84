// The client's copy of a Eureka registry, kept as Eureka's own client keeps it: one full fetch, then
// a delta (the changes of the last few minutes) on every poll, merged in; when the merged copy's
// reconcile hash code differs from the server's, a change was missed and the next read is full.
import { errorMessage, type Logger } from '@lab/common';
import type { EurekaHttp } from './eureka-http';
import { type EurekaApplications, type EurekaRecord, readApplications, reconcileHashCode } from './eureka-wire';

const key = (r: EurekaRecord): string => `${r.app}\u0000${r.instance.id}`;

/** A registry copy after a delta: whether it agrees with the server's hash code. */
export function mergeDelta(
  copy: ReadonlyMap<string, EurekaRecord>,
  delta: EurekaApplications,
): { copy: Map<string, EurekaRecord>; consistent: boolean } {
  const next = new Map(copy);
  for (const { actionType, ...record } of delta.records) {
    if (actionType === 'DELETED') next.delete(key(record));
    else next.set(key(record), record);
  }
  const consistent = reconcileHashCode([...next.values()].map((r) => r.status)) === delta.hashCode;
  return { copy: next, consistent };
}

/** A full fetch as a copy. */
export function fullCopy(apps: EurekaApplications): Map<string, EurekaRecord> {
  return new Map(apps.records.map(({ actionType: _, ...record }) => [key(record), record]));
}

export interface EurekaCopySubscriber {
  /** Called with the copy after every successful poll. */
  update(records: Iterable<EurekaRecord>): void;
  failed(error: unknown): void;
}

export interface EurekaCopyOptions {
  http: EurekaHttp;
  /** Between polls (Eureka's registryFetchIntervalSeconds: 30 s). */
  fetchIntervalMs: number;
  requestTimeoutMs: number;
  logger: Logger;
}

/** How the copy has been kept, for tests and for the benchmark. */
export interface EurekaCopyStats {
  fullFetches: number;
  deltaFetches: number;
  /** Deltas after which the hash codes disagreed (followed by a full fetch). */
  reconciliations: number;
}

/**
 * One copy per registry client, polled while anyone watches. A failed poll tells every
 * subscriber, and the next poll is a full one: the server may have restarted empty meanwhile.
 */
export class EurekaRegistryCopy {
  private copy = new Map<string, EurekaRecord>();
  private synced = false;
  private readonly subscribers = new Set<EurekaCopySubscriber>();
  private timer: NodeJS.Timeout | undefined;
  private polling: AbortController | undefined;
  readonly stats: EurekaCopyStats = { fullFetches: 0, deltaFetches: 0, reconciliations: 0 };

  constructor(private readonly o: EurekaCopyOptions) {}

  /** Starts polling with the first subscriber; a later one gets the current copy at once. */
  subscribe(subscriber: EurekaCopySubscriber): () => void {
    this.subscribers.add(subscriber);
    if (this.subscribers.size === 1) {
      this.synced = false;
      this.schedule(0);
    } else if (this.synced) {
      subscriber.update(this.copy.values());
    }
    return () => {
      this.subscribers.delete(subscriber);
      if (this.subscribers.size === 0) this.stop();
    };
  }

  stop(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    this.polling?.abort();
    this.polling = undefined;
  }

  private schedule(delayMs: number): void {
    this.timer = setTimeout(() => void this.poll(), delayMs);
    this.timer.unref();
  }

  private async poll(): Promise<void> {
    const polling = (this.polling = new AbortController());
    try {
      if (this.synced) {
        this.stats.deltaFetches += 1;
        const merged = mergeDelta(this.copy, await this.read('/apps/delta', polling.signal));
        if (merged.consistent) {
          this.copy = merged.copy;
        } else {
          this.stats.reconciliations += 1;
          this.o.logger.debug({ url: this.o.http.url }, 'eureka: delta disagrees with the server, fetching everything');
          await this.fetchAll(polling.signal);
        }
      } else {
        await this.fetchAll(polling.signal);
      }
      this.synced = true;
      for (const subscriber of this.subscribers) subscriber.update(this.copy.values());
    } catch (error) {
      if (polling.signal.aborted) return;
      this.synced = false;
      this.o.logger.warn({ url: this.o.http.url, err: errorMessage(error) }, 'eureka: fetching the registry failed');
      for (const subscriber of this.subscribers) subscriber.failed(error);
    }
    if (this.polling === polling && this.subscribers.size > 0) this.schedule(this.o.fetchIntervalMs);
  }

  private async fetchAll(signal: AbortSignal): Promise<void> {
    this.stats.fullFetches += 1;
    this.copy = fullCopy(await this.read('/apps', signal));
  }

  private async read(path: string, signal: AbortSignal): Promise<EurekaApplications> {
    const { body } = await this.o.http.call('GET', path, { timeoutMs: this.o.requestTimeoutMs, signal });
    return readApplications(body);
  }
}
