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
  type ResolvedPolicyOptions,
  type PolicyOverrides,
  type RetryOptions,
  type BreakerOptions,
  type BulkheadOptions,
  type RetryBudgetOptions,
} from './options';
export { policyMetrics, type PolicyMetricSample } from './metrics';
export { backoffDelay, type BackoffOptions } from './backoff/backoffDelay';
export { parseRetryAfter, retryAfterOf, retryDelay, RETRY_AFTER_CAP_FACTOR } from './backoff/retryAfter';
export { isRetryable } from './policies/retry';
export type { BreakerState } from './policies/breaker';
export type { BulkheadStats } from './policies/bulkhead';
export type { Logger } from './Logger';
export { ResilienceError } from './errors/ResilienceError';
export { TimeoutError } from './errors/TimeoutError';
export { BrokenCircuitError } from './errors/BrokenCircuitError';
export { BulkheadRejectedError } from './errors/BulkheadRejectedError';
export { PolicyShutdownError } from './errors/PolicyShutdownError';
export { InvalidPolicyOptionsError } from './errors/InvalidPolicyOptionsError';
