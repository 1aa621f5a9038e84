import { backoffDelay, type BackoffOptions, errorMessage, type Logger, silentLogger, sleep } from '@lab/common';
import type { KvWatch } from './kv-source';
import { KvUnavailableError, sameEntries } from './kv-source';

export interface PrefixWatchOptions {
  prefix: string;
  onChange: (entries: Map<string, string>) => void;
  onError?: (error: Error) => void;
  retry: BackoffOptions;
  logger: Logger;
  /** Called once when the watch closes (the source forgets it). */
  onClosed(): void;
}

/**
 * What every backend's watch shares: delivering a snapshot only when it changed (always the first
 * one, and the first after an error), reporting failures and backing off between attempts, and a
 * close that silences every later callback.
 */
export abstract class PrefixWatch implements KvWatch {
  protected readonly controller = new AbortController();
  private delivered: Map<string, string> | undefined;
  private mustDeliver = true;
  private failures = 0;

  constructor(
    readonly backend: string,
    protected readonly o: PrefixWatchOptions,
  ) {}

  get prefix(): string {
    return this.o.prefix;
  }

  get closed(): boolean {
    return this.controller.signal.aborted;
  }

  close(): void {
    if (this.closed) return;
    this.controller.abort();
    this.o.onClosed();
  }

  /** Starts a long-running loop, logging (never throwing) if it ends by anything but close(). */
  protected run(loop: () => Promise<void>): void {
    loop().catch((error: unknown) => {
      if (!this.closed) this.o.logger.error({ prefix: this.prefix, err: errorMessage(error) }, 'KV watch loop stopped');
    });
  }

  /** Hands `entries` to the listener unless they equal what it already has. */
  protected deliver(entries: ReadonlyMap<string, string>): void {
    if (this.closed) return;
    if (!this.mustDeliver && this.delivered && sameEntries(this.delivered, entries)) return;
    this.mustDeliver = false;
    this.delivered = new Map(entries);
    const copy = new Map(entries);
    this.call(() => this.o.onChange(copy));
  }

  /** A read that worked: the next failure starts its backoff from the beginning. */
  protected succeeded(): void {
    this.failures = 0;
  }

  /** Reports an error to the listener; the next answer is delivered whether or not it changed. */
  protected report(error: unknown): void {
    if (this.closed) return;
    this.mustDeliver = true;
    const err = error instanceof Error ? error : new KvUnavailableError(this.backend, errorMessage(error));
    this.o.logger.debug({ prefix: this.prefix, err: err.message, failures: this.failures + 1 }, 'KV watch failed');
    this.call(() => this.o.onError?.(err));
  }

  /** Reports the error, then waits out the backoff (or until the watch is closed). */
  protected async failed(error: unknown): Promise<void> {
    this.report(error);
    await sleep(backoffDelay(++this.failures, this.o.retry), this.controller.signal);
  }

  private call(fn: () => void): void {
    try {
      fn();
    } catch (error) {
      this.o.logger.error({ prefix: this.prefix, err: errorMessage(error) }, 'KV watch listener threw');
    }
  }
}

/** The watches one source has open, so that closing the source closes them all. */
export class OpenWatches<W extends PrefixWatch> implements Iterable<W> {
  private readonly watches = new Set<W>();

  constructor(private readonly tuning: { retry?: BackoffOptions; logger?: Logger }) {}

  open(
    prefix: string,
    onChange: (entries: Map<string, string>) => void,
    onError: ((error: Error) => void) | undefined,
    create: (o: PrefixWatchOptions) => W,
  ): W {
    const watch = create({
      prefix,
      onChange,
      onError,
      retry: { baseDelayMs: 250, maxDelayMs: 10_000, jitter: 'equal', ...this.tuning.retry },
      logger: this.tuning.logger ?? silentLogger,
      onClosed: () => this.watches.delete(watch),
    });
    this.watches.add(watch);
    return watch;
  }

  closeAll(): void {
    for (const watch of [...this.watches]) watch.close();
  }

  [Symbol.iterator](): Iterator<W> {
    return this.watches[Symbol.iterator]();
  }
}
