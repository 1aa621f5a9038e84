import { z } from 'zod';

/**
 * One feature flag, as stored at `config/<service>/flags/<name>` (JSON) or under `flags.<name>` in a
 * YAML file. Unknown fields are refused, so that a typo (`rollout: 10`) is rejected instead of
 * silently ignored.
 */
export const flagDefinitionSchema = z.strictObject({
  /** Off: the flag is off for everyone; targeting and rollout are kept for when it is turned on. */
  enabled: z.boolean(),
  /** Share of users (by a stable hash of the user id) who get the flag, 0..100; absent: everyone. */
  rolloutPercent: z.number().min(0).max(100).optional(),
  /** Roles that always get the flag (while enabled), whatever the rollout. */
  roles: z.array(z.string().min(1)).optional(),
  /** User ids that always get the flag (while enabled), whatever the rollout. */
  users: z.array(z.string().min(1)).optional(),
  /** The emergency brake: true turns the flag off for everyone, allow-lists included. */
  killSwitch: z.boolean().optional(),
});

export type FlagDefinition = z.infer<typeof flagDefinitionSchema>;

/** Who is asking: a flag may target a user id, a role, or a share of user ids. */
export interface FlagSubject {
  userId?: string;
  role?: string;
}

/** Every flag of a service, by name. */
export const flagSetSchema = z.record(z.string().min(1), flagDefinitionSchema);

export type FlagSet = Readonly<Record<string, FlagDefinition>>;
