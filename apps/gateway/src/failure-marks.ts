/**
 * Passive failure marks: an instance that just refused or dropped a connection is skipped for a
 * short cool-down, so the next requests don't queue up behind it while the registry's health check
 * has not noticed yet. The registry stays the source of truth: marks only bridge that gap, expire
 * on their own, and are cleared by the first answer the instance gives.
 *
 * Pure: the caller passes the clock, so tests need no timers.
 */
export interface FailureMarkOptions {
  /** Cool-down after the first failure in a row. */
  baseCooldownMs: number;
  /** Cool-downs double with each failure in a row, up to this. */
  maxCooldownMs: number;
}

interface Mark {
  failures: number;
  skipUntil: number;
}

export const defaultFailureMarkOptions: FailureMarkOptions = { baseCooldownMs: 1_000, maxCooldownMs: 10_000 };

export class InstanceFailureMarks {
  private readonly marks = new Map<string, Mark>();
  private readonly options: FailureMarkOptions;

  constructor(options: Partial<FailureMarkOptions> = {}) {
    this.options = { ...defaultFailureMarkOptions, ...options };
  }

  /** How many instances carry a mark; 0 lets the hot path skip every lookup. */
  get size(): number {
    return this.marks.size;
  }

  recordFailure(instanceId: string, now: number): void {
    this.forgetOld(now);
    const mark = this.marks.get(instanceId) ?? { failures: 0, skipUntil: 0 };
    mark.failures += 1;
    const { baseCooldownMs, maxCooldownMs } = this.options;
    mark.skipUntil = now + Math.min(maxCooldownMs, baseCooldownMs * 2 ** (mark.failures - 1));
    this.marks.set(instanceId, mark);
  }

  /** The instance answered: whatever it did before no longer counts. */
  recordSuccess(instanceId: string): void {
    if (this.marks.size !== 0) this.marks.delete(instanceId);
  }

  isSkipped(instanceId: string, now: number): boolean {
    const mark = this.marks.get(instanceId);
    return mark !== undefined && now < mark.skipUntil;
  }

  /**
   * After its cool-down a mark is kept a while longer, so that an instance failing again right
   * away gets a longer cool-down; marks older than that go, so ids of instances that left the
   * registry do not pile up.
   */
  private forgetOld(now: number): void {
    for (const [id, mark] of this.marks) {
      if (now - mark.skipUntil > this.options.maxCooldownMs) this.marks.delete(id);
    }
  }
}
