import type { Logger } from '@lab/common';
import { runCheck, type CheckOutcome } from './run-check';
import type { CheckStatus, HealthCheck } from './types';

export interface MonitoringOptions {
  intervalMs: number;
  timeoutMs: number;
  staleAfterIntervals: number;
  now: () => number;
  logger: Logger;
  /** Called after every result is recorded, so readiness is re-evaluated when it can change. */
  onResult: () => void;
}

/** What /health/detailed shows for one check. */
export interface CheckDetail {
  status: CheckStatus;
  critical: boolean;
  /** True when the last result is too old to trust (the scheduler stopped or is starved). */
  stale: boolean;
  durationMs: number | null;
  lastRun: string | null;
  lastSuccess: string | null;
  lastError: string | null;
  details?: Record<string, unknown>;
}

/** One registered check: its schedule, its latest result and how to read that result now. */
export class MonitoredCheck {
  readonly name: string;
  readonly critical: boolean;
  private last: CheckOutcome | undefined;
  private lastSuccessAt: number | undefined;
  private inFlight: Promise<void> | undefined;
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly check: HealthCheck,
    private readonly options: MonitoringOptions,
  ) {
    this.name = check.name;
    this.critical = check.critical;
  }

  /** Runs the check unless a run is already under way, in which case it joins that run. */
  run(): Promise<void> {
    this.inFlight ??= runCheck(this.check, this.options.timeoutMs, this.options.now).then((outcome) => {
      this.record(outcome);
      this.inFlight = undefined;
      this.options.onResult();
    });
    return this.inFlight;
  }

  schedule(): void {
    if (this.timer) return;
    this.timer = setInterval(() => void this.run(), this.options.intervalMs);
    // Health checks must never be the reason a process cannot exit.
    this.timer.unref();
  }

  unschedule(): void {
    clearInterval(this.timer);
    this.timer = undefined;
  }

  status(): CheckStatus {
    if (!this.last) return 'pending';
    return this.last.ok && !this.isStale() ? 'pass' : 'fail';
  }

  detail(): CheckDetail {
    const last = this.last;
    const detail: CheckDetail = {
      status: this.status(),
      critical: this.critical,
      stale: this.isStale(),
      durationMs: last?.durationMs ?? null,
      lastRun: isoOrNull(last?.finishedAt),
      lastSuccess: isoOrNull(this.lastSuccessAt),
      lastError: last?.error ?? null,
    };
    if (last?.details) detail.details = last.details;
    return detail;
  }

  private isStale(): boolean {
    if (!this.last) return false;
    const maxAgeMs = this.options.staleAfterIntervals * this.options.intervalMs;
    return this.options.now() - this.last.finishedAt > maxAgeMs;
  }

  private record(outcome: CheckOutcome): void {
    const previous = this.last?.ok;
    this.last = outcome;
    if (outcome.ok) this.lastSuccessAt = outcome.finishedAt;
    if (previous === outcome.ok) return;

    const { logger } = this.options;
    const fields = { check: this.name, critical: this.critical };
    if (!outcome.ok) logger.warn({ ...fields, error: outcome.error }, `health check ${this.name} failing`);
    else if (previous === false) logger.info(fields, `health check ${this.name} recovered`);
    else logger.debug(fields, `health check ${this.name} passing`);
  }
}

function isoOrNull(time: number | undefined): string | null {
  return time === undefined ? null : new Date(time).toISOString();
}
