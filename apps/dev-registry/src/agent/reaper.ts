import type { Logger } from '@lab/common';
import type { CheckRecord } from '../state/types';

/**
 * IDs of services that have a check critical for longer than its DeregisterCriticalServiceAfter.
 * Pure, so the rule can be tested without clocks or servers.
 */
export function servicesToReap(checks: Iterable<CheckRecord>, now: number): string[] {
  const doomed = new Set<string>();
  for (const check of checks) {
    const after = check.definition?.deregisterCriticalServiceAfterMs;
    if (check.serviceId === '' || after === undefined || after <= 0) continue;
    if (check.status === 'critical' && now - check.statusSince >= after) doomed.add(check.serviceId);
  }
  return [...doomed];
}

export interface ReaperOptions {
  /** How often to look; short enough that a small DeregisterCriticalServiceAfter is honoured closely. */
  tickMs: number;
  now?: () => number;
  logger: Logger;
}

/**
 * Deregisters services whose check stayed critical past DeregisterCriticalServiceAfter. Consul
 * raises that setting to at least one minute and looks every 30 seconds; this registry takes the
 * value as given and looks every `tickMs`, so tests and local runs see a dead instance go quickly.
 */
export class Reaper {
  private timer?: NodeJS.Timeout;
  private readonly now: () => number;

  constructor(
    private readonly checks: () => Iterable<CheckRecord>,
    private readonly deregister: (serviceId: string) => void,
    private readonly options: ReaperOptions,
  ) {
    this.now = options.now ?? Date.now;
  }

  start(): void {
    if (this.timer) return;
    this.timer = setInterval(() => this.reapNow(), this.options.tickMs);
    this.timer.unref();
  }

  reapNow(): void {
    for (const serviceId of servicesToReap(this.checks(), this.now())) {
      try {
        this.deregister(serviceId);
      } catch (error) {
        this.options.logger.error({ serviceId, err: (error as Error).message }, 'reaping a service failed');
      }
    }
  }

  stop(): void {
    clearInterval(this.timer);
    this.timer = undefined;
  }
}
