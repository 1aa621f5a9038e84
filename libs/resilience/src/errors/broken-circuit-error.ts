import { ResilienceError } from './resilience-error';

/** The breaker is open (or probing): the call was rejected without reaching the dependency. */
export class BrokenCircuitError extends ResilienceError {
  readonly code = 'CIRCUIT_OPEN';

  constructor(policy: string) {
    super(`${policy}: circuit open, failing fast`, policy);
  }
}
