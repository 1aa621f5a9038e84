import { CircuitState, type IBreaker } from 'cockatiel';
import { ROLLING_COUNT_BUCKETS, type BreakerOptions } from '../options';

/** Outcomes counted over the rolling window. */
export interface WindowCounts {
  failures: number;
  successes: number;
  /** Calls the breaker refused while open, without reaching the dependency. */
  rejects: number;
  /** Attempts that ran past their deadline (they are judged as failures or successes as well). */
  timeouts: number;
}

export type RollingWindowOptions = Pick<
  BreakerOptions,
  'volumeThreshold' | 'errorThresholdPercentage' | 'rollingCountTimeoutMs'
>;

const OUTCOMES = ['failures', 'successes', 'rejects', 'timeouts'] as const;
const emptyCounts = (): WindowCounts => ({ failures: 0, successes: 0, rejects: 0, timeouts: 0 });

/**
 * Decides when cockatiel's CircuitBreakerPolicy opens: when more than `errorThresholdPercentage`
 * of the calls answered within the last `rollingCountTimeoutMs` failed, once at least
 * `volumeThreshold` calls were answered in it. cockatiel's SamplingBreaker cannot say this: it
 * judges volume as calls per second and refuses thresholds of 0% and 100%.
 *
 * Buckets advance with the clock when the window is touched, so an idle breaker runs no timer.
 * The thresholds can change at any time and apply to the counts already in the window.
 */
export class RollingWindowBreaker implements IBreaker {
  private buckets: WindowCounts[] = [];
  private totals = emptyCounts();
  private bucketMs = 1;
  /** Which slice of time (Date.now() / bucketMs) the newest bucket covers. */
  private epoch = 0;
  private newest = 0;

  constructor(private options: RollingWindowOptions) {
    this.clear();
  }

  /** The window as cockatiel's toJSON() would carry it. */
  get state(): unknown {
    return { buckets: this.buckets.map((b) => ({ ...b })), epoch: this.epoch, newest: this.newest };
  }

  set state(value: unknown) {
    const { buckets, epoch, newest } = value as { buckets: WindowCounts[]; epoch: number; newest: number };
    if (buckets.length !== ROLLING_COUNT_BUCKETS) return;
    this.buckets = buckets.map((b) => ({ ...b }));
    this.epoch = epoch;
    this.newest = newest;
    this.totals = emptyCounts();
    for (const bucket of this.buckets) for (const outcome of OUTCOMES) this.totals[outcome] += bucket[outcome];
  }

  success(_state: CircuitState): void {
    this.add('successes');
  }

  failure(state: CircuitState): boolean {
    this.add('failures');
    // A failed probe opens the breaker again whatever the window says.
    if (state !== CircuitState.Closed) return true;
    const { failures, successes } = this.totals;
    const answered = failures + successes;
    return (
      answered >= this.options.volumeThreshold && failures * 100 > this.options.errorThresholdPercentage * answered
    );
  }

  recordReject(): void {
    this.add('rejects');
  }

  recordTimeout(): void {
    this.add('timeouts');
  }

  counts(): WindowCounts {
    this.advance();
    return { ...this.totals };
  }

  /** New thresholds judge the counts already there; a window of another length starts empty. */
  setOptions(next: RollingWindowOptions): void {
    const resized = next.rollingCountTimeoutMs !== this.options.rollingCountTimeoutMs;
    this.options = next;
    if (resized) this.clear();
  }

  /** Forgets every outcome, e.g. when the breaker closes after a good probe. */
  clear(): void {
    this.bucketMs = this.options.rollingCountTimeoutMs / ROLLING_COUNT_BUCKETS;
    this.buckets = Array.from({ length: ROLLING_COUNT_BUCKETS }, emptyCounts);
    this.totals = emptyCounts();
    this.epoch = Math.floor(Date.now() / this.bucketMs);
    this.newest = 0;
  }

  private add(outcome: keyof WindowCounts): void {
    this.advance();
    this.buckets[this.newest][outcome]++;
    this.totals[outcome]++;
  }

  /** Empties the buckets whose time has passed, oldest first, and makes the current one the newest. */
  private advance(): void {
    const epoch = Math.floor(Date.now() / this.bucketMs);
    const steps = Math.min(epoch - this.epoch, ROLLING_COUNT_BUCKETS);
    for (let i = 0; i < steps; i++) {
      this.newest = (this.newest + 1) % ROLLING_COUNT_BUCKETS;
      const leaving = this.buckets[this.newest];
      for (const outcome of OUTCOMES) {
        this.totals[outcome] -= leaving[outcome];
        leaving[outcome] = 0;
      }
    }
    if (steps > 0) this.epoch = epoch;
  }
}
