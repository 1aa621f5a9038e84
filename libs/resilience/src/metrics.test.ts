import type { CallPolicySnapshot } from './call-policy';
import { policyMetrics } from './metrics';

const snapshot: CallPolicySnapshot = {
  name: 'inventory-service',
  state: 'half-open',
  forcedOpen: false,
  failures: 4,
  successes: 9,
  rejects: 2,
  timeouts: 1,
  fallbacks: 3,
  bulkhead: { enabled: true, active: 5, queued: 6, rejected: 7, queueTimeouts: 8 },
  retries: { enabled: false, attempted: 10, budgetExhausted: 11 },
};

describe('policyMetrics', () => {
  const samples = policyMetrics(snapshot);
  const value = (name: string, labels: Record<string, string> = {}) =>
    samples.find((s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v))?.value;

  it('labels every sample with the policy name', () => {
    expect(samples.every((s) => s.labels.policy === 'inventory-service')).toBe(true);
  });

  it('exports the breaker state one-hot', () => {
    expect(['closed', 'open', 'half-open'].map((state) => value('resilience_circuit_state', { state }))).toEqual([
      0, 0, 1,
    ]);
  });

  it('says whether the breaker is held open by hand', () => {
    expect(value('resilience_circuit_forced_open')).toBe(0);
    expect(
      policyMetrics({ ...snapshot, state: 'open', forcedOpen: true }).find(
        (s) => s.name === 'resilience_circuit_forced_open',
      )?.value,
    ).toBe(1);
  });

  it("exports the breaker's window counts by outcome", () => {
    expect(
      ['success', 'failure', 'rejected', 'timeout'].map((outcome) =>
        value('resilience_circuit_window_calls', { outcome }),
      ),
    ).toEqual([9, 4, 2, 1]);
  });

  it('exports bulkhead, retry and fallback figures', () => {
    expect({
      active: value('resilience_bulkhead_active'),
      queued: value('resilience_bulkhead_queued'),
      rejected: value('resilience_bulkhead_rejected_total'),
      queueTimeouts: value('resilience_bulkhead_queue_timeouts_total'),
      retries: value('resilience_retries_total'),
      budgetExhausted: value('resilience_retry_budget_exhausted_total'),
      retriesEnabled: value('resilience_retries_enabled'),
      fallbacks: value('resilience_fallbacks_total'),
    }).toEqual({
      active: 5,
      queued: 6,
      rejected: 7,
      queueTimeouts: 8,
      retries: 10,
      budgetExhausted: 11,
      retriesEnabled: 0,
      fallbacks: 3,
    });
  });

  it('names counters with _total and gives each metric one type and help text', () => {
    const byName = new Map<string, Set<string>>();
    for (const s of samples) {
      expect(s.type === 'counter').toBe(s.name.endsWith('_total'));
      expect(s.help.length).toBeGreaterThan(0);
      byName.set(s.name, (byName.get(s.name) ?? new Set()).add(`${s.type}:${s.help}`));
    }
    for (const variants of byName.values()) expect(variants.size).toBe(1);
  });
});
