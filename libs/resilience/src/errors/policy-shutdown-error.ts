import { ResilienceError } from './resilience-error';

/** execute() was called after shutdown(), typically while a service is stopping. */
export class PolicyShutdownError extends ResilienceError {
  readonly code = 'POLICY_SHUT_DOWN';

  constructor(policy: string) {
    super(`${policy}: policy has been shut down`, policy);
  }
}
