import { policySettingsSchema, type PolicyOverrides } from '@lab/resilience';
import { z } from 'zod';
import { LOG_LEVELS } from '../config/base-config';
import { faultInjectionSchema } from '../http/fault-injection';

/**
 * One dependency's call policy as configuration sets it: every field optional. The schema is
 * @lab/resilience's own, so a change the policy would refuse is rejected before it is applied.
 */
export type PolicySettings = PolicyOverrides;

/**
 * Floors the live configuration adds to the policy's own limits. A value under one is valid for a
 * policy (a unit test may well want a 10 ms timeout) but, written into a running system's KV store,
 * makes every call fail: `timeoutMs: 1` stopped every order. Such a change is refused like any
 * invalid one, and the last good value stays in force.
 */
export const LIVE_POLICY_FLOORS = Object.freeze({ timeoutMs: 50 });

const livePolicySettingsSchema = policySettingsSchema.refine(
  (settings) => settings.timeoutMs === undefined || settings.timeoutMs >= LIVE_POLICY_FLOORS.timeoutMs,
  { path: ['timeoutMs'], error: `must be >= ${LIVE_POLICY_FLOORS.timeoutMs} in live configuration` },
);

/**
 * What service-kit itself reads from the live configuration of every service:
 * - `logLevel`: the level of the service's logs, changed without a restart;
 * - `resilience.<dependency>`: the call policy towards each service it calls;
 * - `fault`: delays and aborts injected into the requests it receives (Istio's HTTPFaultInjection).
 * Feature flags (`flags.<name>`) are read by the store itself.
 */
export const kitSettingsShape = {
  logLevel: z.enum(LOG_LEVELS).default('info'),
  resilience: z.record(z.string().min(1), livePolicySettingsSchema).default({}),
  fault: faultInjectionSchema.default({}),
};

export type KitSettings = z.output<z.ZodObject<typeof kitSettingsShape>>;

/** Environment variables that set live settings: the env layer sits above the files and the KV store. */
export const KIT_ENV_MAPPING: Readonly<Record<string, string>> = { LOG_LEVEL: 'logLevel' };
