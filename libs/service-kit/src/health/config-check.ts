import type { ConfigStatus } from '@lab/config';
import type { HealthCheck } from '@lab/health';

/**
 * Warns (non-critical) while the latest configuration change was refused: the service runs on, on
 * the last valid configuration, so readiness does not change — but /health and /health/detailed
 * show that what an operator wrote is not in force, and why.
 */
export function configCheck(status: () => ConfigStatus): HealthCheck {
  return {
    name: 'config',
    critical: false,
    // Cheap (a read of the store's status): run often so a refusal shows within a second.
    intervalMs: 1000,
    async run() {
      const { version, lastAppliedAt, lastRejection, kv } = status();
      const detail = { version, ...(kv && { kv: kv.kind, kvConnected: kv.connected }) };
      if (lastRejection && (lastAppliedAt === undefined || lastRejection.at >= lastAppliedAt)) {
        const issues = lastRejection.issues.map((i) => `${i.path}: ${i.message}`).join('; ');
        throw new Error(`the latest change (${lastRejection.source}) was rejected: ${issues}`);
      }
      return detail;
    },
  };
}
