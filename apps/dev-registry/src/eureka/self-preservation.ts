// Eureka's self-preservation: when far fewer renewals arrive than the registered clients should
// send, the server assumes the network, not the clients, failed, and stops evicting.

/** Renewals counted over a sliding window (Eureka counts the last full minute). */
export class RenewalMeter {
  private readonly times: number[] = [];

  constructor(private readonly windowMs: number) {}

  record(now: number): void {
    this.times.push(now);
  }

  /** Renewals in (now - window, now]. */
  count(now: number): number {
    const from = now - this.windowMs;
    let drop = 0;
    while (drop < this.times.length && this.times[drop]! <= from) drop += 1;
    if (drop > 0) this.times.splice(0, drop);
    return this.times.length;
  }
}

export interface ThresholdInput {
  /** Clients expected to renew (Eureka's expectedNumberOfClientsSendingRenews). */
  expectedClients: number;
  windowMs: number;
  expectedRenewalIntervalMs: number;
  renewalPercentThreshold: number;
}

/**
 * Renewals per window below which self-preservation starts (Eureka's numberOfRenewsPerMinThreshold):
 * expected clients x renewals each sends per window x the percentage, rounded down.
 */
export function renewalThreshold(input: ThresholdInput): number {
  const perClient = input.windowMs / input.expectedRenewalIntervalMs;
  return Math.floor(input.expectedClients * perClient * input.renewalPercentThreshold);
}

/**
 * Whether expired leases may be evicted now (Eureka's isLeaseExpirationEnabled): always without
 * self-preservation, otherwise only while renewals run above a threshold that is above 0.
 */
export function leaseExpirationEnabled(selfPreservation: boolean, threshold: number, renewals: number): boolean {
  if (!selfPreservation) return true;
  return threshold > 0 && renewals > threshold;
}
