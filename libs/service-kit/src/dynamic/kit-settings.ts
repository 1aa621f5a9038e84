import { z } from 'zod';
import { LOG_LEVELS } from '../config/base-config';

const ms = z
  .number()
  .int()
  .min(0)
  .max(2 ** 31 - 1);
const positiveMs = ms.min(1);

const settingsShape = {
  timeoutMs: positiveMs.optional(),
  retry: z
    .strictObject({ maxAttempts: z.number().int().min(1).max(10), baseDelayMs: ms, maxDelayMs: ms })
    .partial()
    .optional(),
  breaker: z
    .strictObject({
      volumeThreshold: z.number().int().min(0),
      errorThresholdPercentage: z.number().min(0).max(100),
      resetTimeoutMs: positiveMs,
      rollingCountTimeoutMs: ms.min(10),
    })
    .partial()
    .optional(),
  bulkhead: z
    .union([
      z.literal(false),
      z.strictObject({ maxConcurrent: z.number().int().min(1), maxQueue: z.number().int().min(0) }).partial(),
    ])
    .optional(),
  retryBudget: z
    .union([
      z.literal(false),
      z.strictObject({ ratio: z.number().min(0).max(1), minRetriesPerSecond: z.number().int().min(0) }).partial(),
    ])
    .optional(),
  respectRetryAfter: z.boolean().optional(),
  retriesEnabled: z.boolean().optional(),
};

/**
 * One dependency's call policy as configuration may change it: every field optional, each falling
 * back to `defaults`. Ranges follow the policy's own rules, and the one rule across fields is
 * checked on the merged result, so a change the policy would refuse is rejected before it is applied.
 */
export function policySettingsSchema(defaults: { retry: { baseDelayMs: number; maxDelayMs: number } }) {
  return z
    .strictObject(settingsShape)
    .refine(
      (s) => (s.retry?.maxDelayMs ?? defaults.retry.maxDelayMs) >= (s.retry?.baseDelayMs ?? defaults.retry.baseDelayMs),
      { message: 'retry.maxDelayMs must be at least retry.baseDelayMs', path: ['retry', 'maxDelayMs'] },
    );
}

export type PolicySettings = z.output<z.ZodObject<typeof settingsShape>>;

/**
 * What service-kit itself reads from the live configuration of every service:
 * - `logLevel`: the level of the service's logs, changed without a restart;
 * - `resilience.<dependency>`: the call policy towards each service it calls.
 * Feature flags (`flags.<name>`) are read by the store itself.
 */
export function kitSettingsShape(policyDefaults: Parameters<typeof policySettingsSchema>[0]) {
  return {
    logLevel: z.enum(LOG_LEVELS).default('info'),
    resilience: z.record(z.string().min(1), policySettingsSchema(policyDefaults)).default({}),
  };
}

export type KitSettings = z.output<z.ZodObject<ReturnType<typeof kitSettingsShape>>>;

/** Environment variables that set live settings: the env layer sits above the files and the KV store. */
export const KIT_ENV_MAPPING: Readonly<Record<string, string>> = { LOG_LEVEL: 'logLevel' };
