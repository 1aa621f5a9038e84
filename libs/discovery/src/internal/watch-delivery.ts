import { errorMessage, type Logger } from '@lab/common';
import type { InstanceListener, ServiceInstance } from '../types';
import { sameInstances } from './instances';

export interface WatchDeliveryOptions<T> {
  onChange(value: T): void;
  onError?(error: Error): void;
  /** Whether two answers say the same (a blocking read that timed out, an event that changed nothing). */
  same(a: T, b: T): boolean;
  /** A copy the listener may keep or change without touching what the watch compares against. */
  copy(value: T): T;
  /** Names the watch in log lines, e.g. { service } or { prefix }. */
  context: object;
  logger: Logger;
}

/**
 * The listener side of every watch, of instances or of KV entries: it hears about the first answer,
 * about every real change, and once after each recovery from an error (so a listener learns that
 * the registry is back even when nothing changed). A listener that throws is logged, never unwinds
 * into the watch's loop.
 */
export class WatchDelivery<T> {
  private delivered: T | undefined;
  private mustDeliver = true;

  constructor(private readonly o: WatchDeliveryOptions<T>) {}

  deliver(value: T): void {
    if (!this.mustDeliver && this.delivered !== undefined && this.o.same(this.delivered, value)) return;
    this.mustDeliver = false;
    this.delivered = this.o.copy(value);
    const copy = this.o.copy(value);
    this.notify(() => this.o.onChange(copy));
  }

  failed(error: unknown): void {
    this.mustDeliver = true;
    const err = error instanceof Error ? error : new Error(String(error));
    this.notify(() => this.o.onError?.(err));
  }

  private notify(call: () => void): void {
    try {
      call();
    } catch (error) {
      this.o.logger.error({ ...this.o.context, err: errorMessage(error) }, 'watch listener threw');
    }
  }
}

/** Delivery of one service's healthy instances (sorted by id) to an InstanceListener. */
export function instanceDelivery(
  listener: InstanceListener,
  service: string,
  logger: Logger,
): WatchDelivery<ServiceInstance[]> {
  return new WatchDelivery<ServiceInstance[]>({
    onChange: (instances) => listener.onChange(instances),
    onError: (error) => listener.onError?.(error),
    same: sameInstances,
    copy: (instances) => [...instances],
    context: { service },
    logger,
  });
}
