import type { FlagDefinition, FlagSubject } from './flag-definition';
import { ROLLOUT_BUCKETS, rolloutBucket } from './rollout-bucket';

/**
 * Whether `subject` gets flag `name`. Pure and allocation-free, so it can run on every request.
 *
 * In order: an unknown flag is off; the kill switch turns it off; a disabled flag is off; a listed
 * user or role gets it; then the rollout decides by the user's stable bucket (no user id: only a
 * 100 % rollout turns it on). A flag with no rolloutPercent is on for everyone, unless it targets
 * users or roles, in which case it is on for exactly those.
 */
export function evaluateFlag(name: string, def: FlagDefinition | undefined, subject: FlagSubject = {}): boolean {
  if (def === undefined || def.killSwitch === true || !def.enabled) return false;
  const { userId, role } = subject;
  if (userId !== undefined && def.users !== undefined && def.users.includes(userId)) return true;
  if (role !== undefined && def.roles !== undefined && def.roles.includes(role)) return true;

  const percent = def.rolloutPercent ?? (def.users !== undefined || def.roles !== undefined ? 0 : 100);
  if (percent >= 100) return true;
  if (percent <= 0 || userId === undefined) return false;
  return rolloutBucket(name, userId) < Math.round(percent * (ROLLOUT_BUCKETS / 100));
}
