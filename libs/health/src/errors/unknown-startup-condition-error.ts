import { HealthError } from './health-error';

/** Completing a condition nobody required is a typo that would otherwise leave start-up waiting forever. */
export class UnknownStartupConditionError extends HealthError {
  readonly code = 'UNKNOWN_STARTUP_CONDITION';

  constructor(
    readonly condition: string,
    readonly known: readonly string[],
  ) {
    super(`no start-up condition named "${condition}" was required (known: ${known.join(', ') || 'none'})`);
  }
}
