import { TimeoutError } from '../errors/timeout-error';

/**
 * One attempt's deadline. It starts before the attempt waits for a bulkhead slot, so the wait
 * and the call share one budget of timeoutMs. At the deadline, or when the caller's own signal
 * aborts, `signal` aborts: fetch, undici, pg and friends stop the work, a queued attempt leaves
 * the queue, and run() rejects at once whether or not the work honours the signal.
 */
export class AttemptDeadline {
  private readonly controller = new AbortController();
  private readonly timer: NodeJS.Timeout | undefined;
  private running = false;

  constructor(
    policy: string,
    timeoutMs: number,
    private readonly caller?: AbortSignal,
    /** Told when the deadline passes while the work runs (not while it waits for a slot). */
    private readonly onTimeoutWhileRunning?: (error: TimeoutError) => void,
  ) {
    if (caller?.aborted) {
      this.controller.abort(caller.reason);
      return;
    }
    this.timer = setTimeout(() => {
      const error = new TimeoutError(policy, timeoutMs);
      this.controller.abort(error);
      if (this.running) this.onTimeoutWhileRunning?.(error);
    }, timeoutMs);
    caller?.addEventListener('abort', this.onCallerAbort, { once: true });
  }

  get signal(): AbortSignal {
    return this.controller.signal;
  }

  /** Settles like work(signal), or rejects with the abort reason the moment the signal aborts. */
  run<T>(work: (signal: AbortSignal) => Promise<T>): Promise<T> {
    const signal = this.controller.signal;
    if (signal.aborted) return Promise.reject(signal.reason);
    this.running = true;
    return new Promise<T>((resolve, reject) => {
      const onAbort = () => reject(signal.reason);
      signal.addEventListener('abort', onAbort, { once: true });
      let pending: Promise<T>;
      try {
        pending = work(signal);
      } catch (error) {
        signal.removeEventListener('abort', onAbort);
        reject(error);
        return;
      }
      // After an abort these calls are no-ops: the promise has already rejected.
      Promise.resolve(pending).then(
        (value) => {
          signal.removeEventListener('abort', onAbort);
          resolve(value);
        },
        (error: unknown) => {
          signal.removeEventListener('abort', onAbort);
          reject(error);
        },
      );
    });
  }

  /** Stops the timer and unhooks from the caller's signal; the attempt is over. */
  dispose(): void {
    clearTimeout(this.timer);
    this.caller?.removeEventListener('abort', this.onCallerAbort);
  }

  private readonly onCallerAbort = (): void => {
    this.controller.abort(this.caller?.reason);
  };
}
