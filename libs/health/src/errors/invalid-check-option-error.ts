import { HealthError } from './health-error';

/** A built-in check was given a threshold that could never be met, or never be missed. */
export class InvalidCheckOptionError extends HealthError {
  readonly code = 'INVALID_CHECK_OPTION';

  constructor(
    readonly check: string,
    readonly option: string,
    reason: string,
  ) {
    super(`${check} check: ${option} ${reason}`);
  }
}
