export {
  createCallPolicy,
  type CallPolicy,
  type CallPolicyOptions,
  type CallPolicySnapshot,
  type ExecuteOptions,
} from './CallPolicy';
export {
  defaultPolicyOptions,
  type PolicyOptions,
  type PolicyOverrides,
  type RetryOptions,
  type BreakerOptions,
} from './options';
export { backoffDelay, type BackoffOptions } from './backoff/backoffDelay';
export { isRetryable } from './policies/retry';
export type { BreakerState } from './policies/breaker';
export type { Logger } from './Logger';
export { ResilienceError } from './errors/ResilienceError';
export { TimeoutError } from './errors/TimeoutError';
export { BrokenCircuitError } from './errors/BrokenCircuitError';
export { PolicyShutdownError } from './errors/PolicyShutdownError';
export { InvalidPolicyOptionsError } from './errors/InvalidPolicyOptionsError';
