import type { FlagDefinition, FlagSubject } from './flag-definition';
import { ROLLOUT_BUCKETS, rolloutBucket } from './rollout-bucket';

/** Which rule of evaluateFlag decided, in the order it looks at them. */
export type FlagReason =
  | 'unknown-flag'
  | 'kill-switch'
  | 'disabled'
  | 'user-listed'
  | 'role-listed'
  | 'rollout-everyone'
  | 'rollout-none'
  | 'rollout-no-user-id'
  | 'rollout-in'
  | 'rollout-out';

/** The rollout rule as it applied: the share, and (with a user id) the user's bucket against the threshold. */
export interface RolloutDetail {
  percent: number;
  /** Buckets below this are in: percent of ROLLOUT_BUCKETS. */
  threshold: number;
  buckets: number;
  /** The user's bucket for this flag; absent without a user id or when the share decides alone (0 or 100 %). */
  bucket?: number;
}

export interface FlagExplanation {
  flag: string;
  subject: FlagSubject;
  enabled: boolean;
  reason: FlagReason;
  /** One sentence a person can read: which rule decided, with the numbers it used. */
  detail: string;
  definition?: FlagDefinition;
  rollout?: RolloutDetail;
}

/**
 * How evaluateFlag decides for `subject`, and why: the same rules in the same order, with the rule
 * that decided and the numbers it compared. evaluateFlag stays the allocation-free hot path; this is
 * for people asking (an admin endpoint, a lab); a test keeps the two in agreement.
 */
export function explainFlag(name: string, def: FlagDefinition | undefined, subject: FlagSubject = {}): FlagExplanation {
  const base = { flag: name, subject: { ...subject }, ...(def && { definition: def }) };
  const decided = (enabled: boolean, reason: FlagReason, detail: string, rollout?: RolloutDetail): FlagExplanation => ({
    ...base,
    enabled,
    reason,
    detail,
    ...(rollout && { rollout }),
  });

  if (def === undefined) return decided(false, 'unknown-flag', `there is no flag named ${name}: off`);
  if (def.killSwitch === true) return decided(false, 'kill-switch', 'the kill switch is pulled: off for everyone');
  if (!def.enabled) return decided(false, 'disabled', 'the flag is disabled (enabled: false): off for everyone');
  const { userId, role } = subject;
  if (userId !== undefined && def.users?.includes(userId)) {
    return decided(true, 'user-listed', `user ${userId} is listed in users: on whatever the rollout`);
  }
  if (role !== undefined && def.roles?.includes(role)) {
    return decided(true, 'role-listed', `role ${role} is listed in roles: on whatever the rollout`);
  }
  const targeted = def.users !== undefined || def.roles !== undefined;
  const percent = def.rolloutPercent ?? (targeted ? 0 : 100);
  const threshold = Math.round(percent * (ROLLOUT_BUCKETS / 100));
  const rollout = { percent, threshold, buckets: ROLLOUT_BUCKETS };
  const share =
    def.rolloutPercent === undefined
      ? `no rolloutPercent, ${targeted ? 'and the flag lists users or roles: 0 %' : 'and no users or roles: 100 %'}`
      : `rolloutPercent ${percent}`;
  if (percent >= 100) return decided(true, 'rollout-everyone', `${share}: on for everyone`, rollout);
  const notListed = targeted ? 'not listed in users or roles, and ' : '';
  if (percent <= 0) return decided(false, 'rollout-none', `${notListed}${share}: off`, rollout);
  if (userId === undefined) {
    return decided(false, 'rollout-no-user-id', `${share}, and no user id to place in a bucket: off`, rollout);
  }
  const bucket = rolloutBucket(name, userId);
  const inside = bucket < threshold;
  return decided(
    inside,
    inside ? 'rollout-in' : 'rollout-out',
    `${notListed}${share}: user ${userId} is in bucket ${bucket}, ${inside ? 'below' : 'not below'} the threshold ${threshold} of ${ROLLOUT_BUCKETS}: ${inside ? 'on' : 'off'}`,
    { ...rollout, bucket },
  );
}
