/**
 * Runs an async job for a stream of triggers without ever running it twice at once: triggers that
 * arrive while a run is in progress are merged into one follow-up run (their reasons united). So a
 * burst of changes costs at most two runs, and the last run always sees the last change.
 */
export class CoalescingRunner<R> {
  private pending = new Set<R>();
  private running: Promise<void> | undefined;

  constructor(
    private readonly job: (reasons: ReadonlySet<R>) => Promise<void>,
    private readonly onError: (error: unknown) => void,
  ) {}

  trigger(reason: R): void {
    this.pending.add(reason);
    this.running ??= this.drain();
  }

  /** Resolves when no run is in progress or pending. */
  async idle(): Promise<void> {
    while (this.running) await this.running;
  }

  private async drain(): Promise<void> {
    // The last look at `pending` and the reset of `running` happen in the same synchronous step: a
    // trigger in between (were the reset in a later .finally) would find a run still marked as
    // going and be left waiting for the next one.
    try {
      while (this.pending.size > 0) {
        const reasons = this.pending;
        this.pending = new Set();
        try {
          await this.job(reasons);
        } catch (error) {
          this.onError(error);
        }
      }
    } finally {
      this.running = undefined;
    }
  }
}
