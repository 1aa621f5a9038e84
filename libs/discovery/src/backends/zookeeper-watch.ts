import { backoffDelay, type BackoffOptions, errorMessage, type Logger } from '@lab/common';
import type { Event } from 'node-zookeeper-client';
import { RegistryUnavailableError } from '../errors';
import type { WatchDelivery } from '../internal/watch-delivery';
import type { ZookeeperSession } from './zookeeper-session';

/** What a watched read passes to ZooKeeper; called with the event when a watch fires. */
export type NodeWatcher = (event?: Event) => void;

export interface ZookeeperWatchOptions<T> {
  session: ZookeeperSession;
  /** The node watched (a service's, or a configuration prefix's), for messages. */
  path: string;
  /**
   * One read of the watched nodes, passing `watcher` to every read so that ZooKeeper calls it when
   * one of them changes. `changed` holds the paths whose watches fired since the last read, or is
   * undefined when everything must be read (the first read, after a reconnect, a new session or a
   * failed read); a read may also ignore it and read everything. Calling `watcher` without an
   * event asks for one more full read.
   */
  read(watcher: NodeWatcher, changed: ReadonlySet<string> | undefined): Promise<T>;
  delivery: WatchDelivery<T>;
  backoff: BackoffOptions;
  /** Names the watch in log lines, e.g. { service } or { prefix }. */
  context: object;
  logger: Logger;
  onClosed?(): void;
}

/**
 * Nodes followed through ZooKeeper watches: a service's instances, or the subtree of a
 * configuration prefix.
 *
 * ZooKeeper watches fire once, so every read sets them again (child watches, data watches, and an
 * existence watch on a node that does not exist yet). Any event triggers a fresh read, told which
 * paths changed so that it may read only those; reads never overlap, and events during a read cause
 * one more. The same watcher function is passed every time, so the client keeps one registration
 * per node however often it is set.
 *
 * A lost connection is reported through onError; on reconnect (same session: the server still
 * holds the watches) or on a renewed session (watches gone) the nodes are read again.
 */
export class ZookeeperWatch<T> {
  private readonly onEvent: NodeWatcher = (event) => {
    if (event === undefined) this.changed = undefined;
    else this.changed?.add(event.getPath());
    this.refresh();
  };
  /** Paths whose watches fired since the last read began; undefined: read everything. */
  private changed: Set<string> | undefined;
  private stopListening: () => void = () => undefined;
  private reading = false;
  private dirty = false;
  private failures = 0;
  private retryTimer: NodeJS.Timeout | undefined;
  private closed = false;

  constructor(private readonly o: ZookeeperWatchOptions<T>) {}

  start(): this {
    this.stopListening = this.o.session.listen({
      // Same session: the server kept the watches, but a change may have happened meanwhile.
      connected: () => this.onEvent(),
      disconnected: () =>
        this.o.delivery.failed(new RegistryUnavailableError(`zookeeper connection lost while watching ${this.o.path}`)),
    });
    this.refresh();
    return this;
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    clearTimeout(this.retryTimer);
    this.stopListening();
    this.o.onClosed?.();
  }

  private refresh(): void {
    if (this.closed) return;
    if (this.reading) {
      this.dirty = true;
      return;
    }
    clearTimeout(this.retryTimer);
    this.retryTimer = undefined;
    this.reading = true;
    void this.readUntilClean().finally(() => (this.reading = false));
  }

  private async readUntilClean(): Promise<void> {
    do {
      this.dirty = false;
      try {
        const changed = this.changed;
        this.changed = new Set();
        const value = await this.o.read(this.onEvent, changed);
        if (this.closed) return;
        this.failures = 0;
        this.o.delivery.deliver(value);
      } catch (error) {
        if (this.closed) return;
        this.failures += 1;
        this.o.logger.debug(
          { ...this.o.context, err: errorMessage(error), failures: this.failures },
          'zookeeper read failed',
        );
        this.o.delivery.failed(error);
        // Reconnects trigger a read by themselves; this covers failures on a live connection.
        this.changed = undefined;
        this.retryTimer = setTimeout(() => this.refresh(), backoffDelay(this.failures, this.o.backoff));
        return;
      }
    } while (this.dirty && !this.closed);
  }
}
