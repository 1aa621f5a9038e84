import { defaultPolicyOptions, type PolicyOverrides } from '@lab/resilience';
import type { PolicySettings } from './kit-settings';

export interface PolicyBase {
  /** OUTBOUND_TIMEOUT_MS: the timeout of dependencies whose settings name none. */
  timeoutMs: number;
  /** MESH_MODE: the mesh retries, so the client never does, whatever the settings say. */
  meshMode: boolean;
}

/** `false` switches a part off; otherwise the settings' fields fill in over the defaults. */
function switchable<T extends object>(setting: Partial<T> | false | undefined, defaults: T | false): T | false {
  if (setting === false) return false;
  if (setting === undefined) return defaults;
  return { ...(defaults === false ? {} : defaults), ...setting } as T;
}

/**
 * Every option of a dependency's policy: the defaults, then what the configuration sets. Complete
 * on purpose: a policy update merges over what it runs with, so a setting removed from the
 * configuration must be given back its default explicitly.
 */
export function policyOptionsFor(settings: PolicySettings | undefined, base: PolicyBase): PolicyOverrides {
  const d = defaultPolicyOptions;
  const s = settings ?? {};
  return {
    timeoutMs: s.timeoutMs ?? base.timeoutMs,
    retry: { ...d.retry, ...s.retry },
    breaker: { ...d.breaker, ...s.breaker },
    bulkhead: switchable(s.bulkhead, d.bulkhead),
    retryBudget: switchable(s.retryBudget, d.retryBudget),
    respectRetryAfter: s.respectRetryAfter ?? d.respectRetryAfter,
    retriesEnabled: base.meshMode ? false : (s.retriesEnabled ?? d.retriesEnabled),
  };
}
