import type { HealthCheck } from './types';

export interface CheckOutcome {
  ok: boolean;
  startedAt: number;
  finishedAt: number;
  durationMs: number;
  /** Message only: stacks and causes stay out of health responses. */
  error?: string;
  details?: Record<string, unknown>;
}

/**
 * Runs a check once and never rejects. At `timeoutMs` the signal is aborted and the run counts
 * as failed straight away, even if the check ignores the signal and its promise never settles.
 */
export function runCheck(check: HealthCheck, timeoutMs: number, now: () => number): Promise<CheckOutcome> {
  const controller = new AbortController();
  const startedAt = now();
  return new Promise<CheckOutcome>((resolve) => {
    const finish = (ok: boolean, error?: string, details?: Record<string, unknown>) => {
      clearTimeout(timer);
      const finishedAt = now();
      resolve({ ok, startedAt, finishedAt, durationMs: finishedAt - startedAt, error, details });
    };
    const timer = setTimeout(() => {
      controller.abort();
      finish(false, `timed out after ${timeoutMs}ms`);
    }, timeoutMs);
    timer.unref();

    let pending: Promise<void | Record<string, unknown>>;
    try {
      pending = check.run(controller.signal);
    } catch (error) {
      finish(false, messageOf(error));
      return;
    }
    // Once the timeout has finished the run, these late settlements change nothing.
    Promise.resolve(pending).then(
      (details) => finish(true, undefined, details ?? undefined),
      (error: unknown) => finish(false, messageOf(error)),
    );
  });
}

function messageOf(error: unknown): string {
  if (error instanceof Error) return error.message || error.name;
  return String(error);
}
