import { ResilienceError } from './resilience-error';

/** Options that would make a policy misbehave (a zero timeout, no attempts); lists each problem. */
export class InvalidPolicyOptionsError extends ResilienceError {
  readonly code = 'INVALID_POLICY_OPTIONS';

  constructor(
    policy: string,
    readonly problems: readonly string[],
  ) {
    super(`${policy}: invalid policy options: ${problems.join('; ')}`, policy);
  }
}
