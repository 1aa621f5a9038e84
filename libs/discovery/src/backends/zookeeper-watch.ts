import { backoffDelay, type BackoffOptions, errorMessage, type Logger } from '@lab/common';
import { WatchDelivery } from '../internal/watch-delivery';
import { RegistryUnavailableError } from '../errors';
import type { InstanceFilter, InstanceListener, InstanceWatch } from '../types';
import type { InstanceRecord } from './instance-record';
import { decodeInstanceRecord, passingInstances } from './instance-record';
import type { ZookeeperSession } from './zookeeper-session';
import { isNoNode } from './zookeeper-session';

export interface ZookeeperWatchOptions {
  session: ZookeeperSession;
  service: string;
  /** `/services/<name>`: each child is one instance. */
  path: string;
  filter: InstanceFilter | undefined;
  backoff: BackoffOptions;
  logger: Logger;
  onClosed?(): void;
}

/**
 * One service's instances, followed through ZooKeeper watches.
 *
 * ZooKeeper watches fire once, so every read sets them again: a child watch on the service node
 * (instances come and go), a data watch on each instance node (status or metadata changed), and
 * an existence watch while the service node does not exist yet. Any event triggers a fresh read;
 * reads never overlap, and events during a read cause one more. The same watcher function is
 * passed every time, so the client keeps one registration per node however often it is set.
 *
 * A lost connection is reported through onError; on reconnect (same session: the server still
 * holds the watches) or on a renewed session (watches gone) the service is read again.
 */
export class ZookeeperServiceWatch implements InstanceWatch {
  private readonly delivery: WatchDelivery;
  private readonly onEvent = (): void => this.refresh();
  private stopListening: () => void = () => undefined;
  private reading = false;
  private dirty = false;
  private failures = 0;
  private retryTimer: NodeJS.Timeout | undefined;
  private closed = false;

  constructor(
    listener: InstanceListener,
    private readonly o: ZookeeperWatchOptions,
  ) {
    this.delivery = new WatchDelivery(listener, o.service, o.logger);
  }

  start(): this {
    this.stopListening = this.o.session.listen({
      connected: () => this.refresh(),
      disconnected: () =>
        this.delivery.failed(new RegistryUnavailableError(`zookeeper connection lost while watching ${this.o.path}`)),
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
        const records = await this.read();
        if (this.closed) return;
        this.failures = 0;
        this.delivery.deliver(passingInstances(records, this.o.filter));
      } catch (error) {
        if (this.closed) return;
        this.o.logger.debug(
          { service: this.o.service, err: errorMessage(error), failures: this.failures + 1 },
          'zookeeper read failed',
        );
        this.delivery.failed(error);
        // Reconnects trigger a read by themselves; this covers failures on a live connection.
        this.retryTimer = setTimeout(() => this.refresh(), backoffDelay(++this.failures, this.o.backoff));
        return;
      }
    } while (this.dirty && !this.closed);
  }

  private async read(): Promise<InstanceRecord[]> {
    let children: string[];
    try {
      children = await this.o.session.getChildren(this.o.path, this.onEvent);
    } catch (error) {
      if (!isNoNode(error)) throw error;
      // No instance has ever registered: wait for the service node to appear.
      const stat = await this.o.session.exists(this.o.path, this.onEvent);
      if (stat !== undefined) this.dirty = true; // created in between: read it at once
      return [];
    }
    const records = await Promise.all(
      children.map(async (child) => {
        try {
          return decodeInstanceRecord(
            (await this.o.session.getData(`${this.o.path}/${child}`, this.onEvent)).toString(),
          );
        } catch (error) {
          if (isNoNode(error)) return undefined; // deleted since the listing; the child watch says so
          throw error;
        }
      }),
    );
    return records.filter((record): record is InstanceRecord => record !== undefined);
  }
}
