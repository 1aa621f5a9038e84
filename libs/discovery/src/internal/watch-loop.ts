import { errorMessage, type Logger } from '@lab/common';

/**
 * The lifecycle every loop-driven watch shares: `start()` runs the loop in the background,
 * `close()` aborts its signal (a loop ends by returning once it sees the abort), tells the owner,
 * and calls `stopped()` for anything the loop holds outside the signal.
 */
export abstract class WatchLoop {
  private readonly controller = new AbortController();

  constructor(
    /** Names the watch in log lines, e.g. { service } or { prefix }. */
    protected readonly context: object,
    protected readonly logger: Logger,
    private readonly onClosed?: () => void,
  ) {}

  get closed(): boolean {
    return this.controller.signal.aborted;
  }

  start(): this {
    this.run(this.controller.signal).catch((error: unknown) => {
      // Only an abort ends a loop; anything else here is a bug worth seeing.
      if (!this.closed) this.logger.error({ ...this.context, err: errorMessage(error) }, 'watch loop stopped');
    });
    return this;
  }

  close(): void {
    if (this.closed) return;
    this.controller.abort();
    this.stopped();
    this.onClosed?.();
  }

  protected stopped(): void {}

  protected abstract run(signal: AbortSignal): Promise<void>;
}
