import type { CallPolicySnapshot } from './call-policy';
import type { BreakerState } from './policies/breaker';

export interface PolicyMetricSample {
  /** Prometheus metric name; counters end in _total. */
  name: string;
  type: 'counter' | 'gauge';
  help: string;
  labels: Readonly<Record<string, string>>;
  value: number;
}

const STATES: readonly BreakerState[] = ['closed', 'open', 'half-open'];

const help = {
  state: 'Circuit breaker state per dependency: 1 for the current state, 0 for the others',
  forcedOpen: 'Whether the circuit breaker is held open by hand (forceOpen) until reset',
  window: "Calls in the circuit breaker's rolling window, by outcome",
  active: 'Calls to the dependency holding a bulkhead slot now',
  queued: 'Calls waiting for a bulkhead slot now',
  rejected: 'Calls refused because the bulkhead and its queue were full',
  queueTimeouts: 'Calls whose deadline passed while they waited for a bulkhead slot',
  retries: 'Retries made (attempts after the first)',
  budgetExhausted: 'Retries not made because the retry budget was spent',
  retriesEnabled: 'Whether the policy retries at all (0 in mesh mode)',
  fallbacks: 'Failed calls answered by a fallback',
} as const;

/**
 * A policy's snapshot as flat Prometheus-style samples, labelled with the policy (dependency)
 * name, so that a service can publish them with any metrics library (a prom-client collect()
 * callback, for one). Counters count since the policy was created; the window gauges cover the
 * breaker's rolling window and go down as old calls leave it.
 */
export function policyMetrics(snapshot: CallPolicySnapshot): PolicyMetricSample[] {
  const policy = { policy: snapshot.name };
  const gauge = (
    name: string,
    text: string,
    value: number,
    labels: Record<string, string> = policy,
  ): PolicyMetricSample => ({
    name,
    type: 'gauge',
    help: text,
    labels,
    value,
  });
  const counter = (name: string, text: string, value: number): PolicyMetricSample => ({
    name,
    type: 'counter',
    help: text,
    labels: policy,
    value,
  });
  const windowCalls = (outcome: string, value: number) =>
    gauge('resilience_circuit_window_calls', help.window, value, { ...policy, outcome });
  return [
    ...STATES.map((state) =>
      gauge('resilience_circuit_state', help.state, snapshot.state === state ? 1 : 0, { ...policy, state }),
    ),
    gauge('resilience_circuit_forced_open', help.forcedOpen, snapshot.forcedOpen ? 1 : 0),
    windowCalls('success', snapshot.successes),
    windowCalls('failure', snapshot.failures),
    windowCalls('rejected', snapshot.rejects),
    windowCalls('timeout', snapshot.timeouts),
    gauge('resilience_bulkhead_active', help.active, snapshot.bulkhead.active),
    gauge('resilience_bulkhead_queued', help.queued, snapshot.bulkhead.queued),
    counter('resilience_bulkhead_rejected_total', help.rejected, snapshot.bulkhead.rejected),
    counter('resilience_bulkhead_queue_timeouts_total', help.queueTimeouts, snapshot.bulkhead.queueTimeouts),
    counter('resilience_retries_total', help.retries, snapshot.retries.attempted),
    counter('resilience_retry_budget_exhausted_total', help.budgetExhausted, snapshot.retries.budgetExhausted),
    gauge('resilience_retries_enabled', help.retriesEnabled, snapshot.retries.enabled ? 1 : 0),
    counter('resilience_fallbacks_total', help.fallbacks, snapshot.fallbacks),
  ];
}
