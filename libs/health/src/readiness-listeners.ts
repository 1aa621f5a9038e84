import { errorMessage, type Logger } from '@lab/common';

export type NotReadyReason = 'starting' | 'draining' | 'checks failing';

/** Told of each flip between ready and not ready; `reason` says why it is not ready. */
export type ReadinessListener = (ready: boolean, reason?: NotReadyReason) => void;

/**
 * Remembers the last readiness answer and tells listeners when it flips. Fed by whoever
 * evaluates readiness (a landing check result, a lifecycle change, a probe read): no timer.
 */
export class ReadinessListeners {
  private readonly listeners = new Set<ReadinessListener>();
  private ready = false;

  constructor(private readonly logger: Logger) {}

  add(listener: ReadinessListener): () => void {
    this.listeners.add(listener);
    return () => void this.listeners.delete(listener);
  }

  update(reason: NotReadyReason | undefined): void {
    const ready = reason === undefined;
    if (ready === this.ready) return;
    // Set first: a listener that reads readiness back must see the new answer, not re-trigger.
    this.ready = ready;
    this.logger.info({ ready, reason }, ready ? 'ready: taking traffic' : `not ready: ${reason}`);
    for (const listener of [...this.listeners]) {
      try {
        listener(ready, reason);
      } catch (error) {
        // One broken listener must not stop the others or the check that triggered it.
        this.logger.error({ error: errorMessage(error) }, 'readiness listener threw');
      }
    }
  }
}
