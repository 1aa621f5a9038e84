import type { ConfigStatus } from '@lab/config';
import type { HealthCheck } from '@lab/health';

/**
 * Warns (non-critical) while a configuration change is refused: the service runs on, on the last
 * valid configuration, so readiness does not change — but /health and /health/detailed show that
 * what an operator wrote is not in force, and why. It passes again as soon as the store takes in
 * everything its sources hold, a write of the value already in force included.
 */
export function configCheck(status: () => ConfigStatus): HealthCheck {
  return {
    name: 'config',
    critical: false,
    // Cheap (a read of the store's status): run often so a refusal shows within a second.
    intervalMs: 1000,
    async run() {
      const { version, rejected, lastRejection, kv } = status();
      const detail = { version, ...(kv && { kv: kv.kind, kvConnected: kv.connected }) };
      if (rejected && lastRejection) {
        const issues = lastRejection.issues.map((i) => `${i.path}: ${i.message}`).join('; ');
        throw new Error(`a change (${lastRejection.source}) is refused, the last valid value stays: ${issues}`);
      }
      return detail;
    },
  };
}
