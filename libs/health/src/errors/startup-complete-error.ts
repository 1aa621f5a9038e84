import { HealthError } from './health-error';

/**
 * Start-up is a one-way door: orchestrators stop asking once it has passed, so a condition
 * required afterwards would never be waited for. Require every condition before markStarted().
 */
export class StartupCompleteError extends HealthError {
  readonly code = 'STARTUP_COMPLETE';

  constructor(readonly condition: string) {
    super(`start-up has already completed; "${condition}" must be required before then`);
  }
}
