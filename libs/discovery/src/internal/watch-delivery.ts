import type { InstanceListener, ServiceInstance } from '../types';
import { errorMessage, type Logger } from '@lab/common';
import { sameInstances } from './instances';

/**
 * The listener side of every backend's watch: it hears about the first answer, about every real
 * change of the set, and once after each recovery from an error (so a listener learns that the
 * registry is back even when nothing changed). A listener that throws is logged, never unwinds
 * into the backend's loop.
 */
export class WatchDelivery {
  private delivered: readonly ServiceInstance[] | undefined;
  private mustDeliver = true;

  constructor(
    private readonly listener: InstanceListener,
    private readonly service: string,
    private readonly logger: Logger,
  ) {}

  /** `instances` sorted by id. */
  deliver(instances: ServiceInstance[]): void {
    if (!this.mustDeliver && this.delivered !== undefined && sameInstances(this.delivered, instances)) return;
    this.mustDeliver = false;
    this.delivered = instances;
    this.notify(() => this.listener.onChange([...instances]));
  }

  failed(error: unknown): void {
    this.mustDeliver = true;
    const err = error instanceof Error ? error : new Error(String(error));
    this.notify(() => this.listener.onError?.(err));
  }

  private notify(call: () => void): void {
    try {
      call();
    } catch (error) {
      this.logger.error({ service: this.service, err: errorMessage(error) }, 'instance listener threw');
    }
  }
}
