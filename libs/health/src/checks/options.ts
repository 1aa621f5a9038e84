import type { HealthCheck } from '../types';

/** What a caller may change about a built-in check. */
export interface CheckOptions {
  /** Another name, e.g. to check two databases. */
  name?: string;
  critical?: boolean;
  intervalMs?: number;
  timeoutMs?: number;
}

export function defineCheck(
  defaults: { name: string; critical: boolean },
  options: CheckOptions,
  run: HealthCheck['run'],
): HealthCheck {
  return {
    name: options.name ?? defaults.name,
    critical: options.critical ?? defaults.critical,
    intervalMs: options.intervalMs,
    timeoutMs: options.timeoutMs,
    run,
  };
}
