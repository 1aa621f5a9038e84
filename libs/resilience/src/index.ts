// The public entry of @lab/resilience: the call policy, its options and their limits, its metrics, and the
// errors a caller may meet. The policies inside (retry, breaker, bulkhead, budget) are reached through it.
export {
  createCallPolicy,
  type CallPolicy,
  type CallPolicyOptions,
  type CallPolicySnapshot,
  type ExecuteOptions,
} from './call-policy';
export {
  defaultPolicyOptions,
  policySettingsSchema,
  POLICY_LIMITS,
  type PolicyOptions,
  type ResolvedPolicyOptions,
  type PolicyOverrides,
  type RetryOptions,
  type BreakerOptions,
  type BulkheadOptions,
  type RetryBudgetOptions,
} from './options';
export { policyMetrics, type PolicyMetricSample } from './metrics';
export { isRetryable } from './policies/retry';
export type { BreakerState } from './policies/breaker';
export type { BulkheadStats } from './policies/bulkhead';
export { ResilienceError } from './errors/resilience-error';
export { TimeoutError } from './errors/timeout-error';
export { BrokenCircuitError } from './errors/broken-circuit-error';
export { BulkheadRejectedError } from './errors/bulkhead-rejected-error';
export { PolicyShutdownError } from './errors/policy-shutdown-error';
export { InvalidPolicyOptionsError } from './errors/invalid-policy-options-error';
