/** Eureka server settings the dev registry honours; times in milliseconds. */
export interface EurekaOptions {
  /** Lease length for an instance whose registration gives none (Eureka: 90 s). */
  defaultLeaseDurationMs?: number;
  /** How often expired leases are looked for (Eureka's evictionIntervalTimerInMs: 60 s). */
  evictionIntervalMs?: number;
  /** Stop evicting when renewals fall below the threshold (Eureka's enableSelfPreservation: true). */
  selfPreservation?: boolean;
  /** Share of expected renewals below which self-preservation starts (Eureka: 0.85). */
  renewalPercentThreshold?: number;
  /** The renewal interval the threshold assumes clients use (Eureka's expectedClientRenewalIntervalSeconds: 30 s). */
  expectedRenewalIntervalMs?: number;
  /** Window over which renewals are counted (Eureka: one minute). */
  renewalRateWindowMs?: number;
  /** How often the expected number of renewing clients is recounted (Eureka: 15 min). */
  renewalThresholdUpdateIntervalMs?: number;
  /** How long a change stays in the delta (Eureka's retentionTimeInMSInDeltaQueue: 3 min). */
  deltaRetentionMs?: number;
}

export type ResolvedEurekaOptions = Required<EurekaOptions>;

export const EUREKA_DEFAULTS: ResolvedEurekaOptions = {
  defaultLeaseDurationMs: 90_000,
  evictionIntervalMs: 60_000,
  selfPreservation: true,
  renewalPercentThreshold: 0.85,
  expectedRenewalIntervalMs: 30_000,
  renewalRateWindowMs: 60_000,
  renewalThresholdUpdateIntervalMs: 15 * 60_000,
  deltaRetentionMs: 3 * 60_000,
};

/** The options with defaults filled in; a RangeError names the first bad one. */
export function resolveEurekaOptions(options: EurekaOptions = {}): ResolvedEurekaOptions {
  const resolved = { ...EUREKA_DEFAULTS, ...stripUndefined(options) };
  for (const key of Object.keys(EUREKA_DEFAULTS) as (keyof ResolvedEurekaOptions)[]) {
    const value = resolved[key];
    if (key === 'selfPreservation') {
      if (typeof value !== 'boolean') throw new RangeError('eureka.selfPreservation must be true or false');
    } else if (key === 'renewalPercentThreshold') {
      if (!(typeof value === 'number' && value > 0 && value <= 1))
        throw new RangeError('eureka.renewalPercentThreshold must be a number above 0, at most 1');
    } else if (!(typeof value === 'number' && Number.isFinite(value) && value > 0)) {
      throw new RangeError(`eureka.${key} must be a number of milliseconds above 0`);
    }
  }
  return resolved;
}

function stripUndefined<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}
