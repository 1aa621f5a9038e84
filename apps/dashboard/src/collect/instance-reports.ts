import { z } from 'zod';

/**
 * What the dashboard reads from an instance's /health/detailed and /admin/config. Another version
 * of a service may add or drop fields: every part is optional and unknown fields are kept out, so
 * the dashboard shows what it can understand and says what it could not.
 */
const count = z.number().nonnegative().catch(0);

const policySnapshot = z.object({
  name: z.string(),
  state: z.enum(['closed', 'open', 'half-open']).catch('closed'),
  forcedOpen: z.boolean().catch(false),
  successes: count,
  failures: count,
  rejects: count,
  timeouts: count,
  fallbacks: count,
  bulkhead: z
    .object({ enabled: z.boolean().catch(true), active: count, queued: count, rejected: count })
    .catch({ enabled: false, active: 0, queued: 0, rejected: 0 }),
  retries: z
    .object({ enabled: z.boolean().catch(true), attempted: count, budgetExhausted: count })
    .catch({ enabled: false, attempted: 0, budgetExhausted: 0 }),
});

const cacheSnapshot = z.object({
  service: z.string(),
  instances: count,
  stale: z.boolean().catch(false),
  balancer: z.string().optional().catch(undefined),
  ejected: z.array(z.object({ id: z.string(), until: z.string().optional().catch(undefined) })).catch([]),
});

const configIssue = z.object({ path: z.string().catch(''), message: z.string().catch('') });

export const configStatusSchema = z.object({
  version: z.number().int().catch(0),
  lastAppliedAt: z.string().optional().catch(undefined),
  rejections: count,
  lastRejection: z
    .object({ at: z.string().catch(''), source: z.string().catch(''), issues: z.array(configIssue).catch([]) })
    .optional()
    .catch(undefined),
  kv: z.object({ kind: z.string(), connected: z.boolean() }).optional().catch(undefined),
});

const checkDetail = z.object({
  status: z.string().catch('unknown'),
  critical: z.boolean().catch(false),
  lastError: z.string().nullable().optional().catch(undefined),
});

export const healthDetailSchema = z.object({
  status: z.string().catch('unknown'),
  draining: z.boolean().catch(false),
  services: z.array(cacheSnapshot).catch([]),
  policies: z.array(policySnapshot).catch([]),
  config: configStatusSchema.optional().catch(undefined),
  checks: z.record(z.string(), checkDetail).catch({}),
});

export const configReportSchema = z.object({
  values: z.record(z.string(), z.object({ value: z.unknown(), source: z.string().catch('unknown') })).catch({}),
});

export type HealthDetail = z.infer<typeof healthDetailSchema>;
export type PolicySnapshot = z.infer<typeof policySnapshot>;
export type CacheSnapshot = z.infer<typeof cacheSnapshot>;
export type ConfigStatus = z.infer<typeof configStatusSchema>;
export type ConfigReport = z.infer<typeof configReportSchema>;
