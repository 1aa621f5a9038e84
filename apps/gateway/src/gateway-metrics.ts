import { Counter, Histogram, type Registry } from 'prom-client';
import { countAndDuration } from '@lab/service-kit';
import type { AttemptFailure } from './attempt-rules';

/**
 * One sample per upstream attempt, labelled with the service, the version of the instance it went
 * to (its registered meta.version; '' without one) and what came of it: the upstream's
 * status code, or `connection_error` / `timeout` / `aborted` / `error` when there was no answer.
 * Retries therefore show up as extra connection_error samples next to the final status.
 */
export interface GatewayMetrics {
  /** `seconds` runs from sending the request to the end of the streamed response (or failure). */
  record(service: string, version: string, outcome: string, seconds: number): void;
}

export const failureOutcome: Readonly<Record<AttemptFailure, string>> = {
  connection: 'connection_error',
  timeout: 'timeout',
  aborted: 'aborted',
  other: 'error',
};

/** Status codes as label strings, built once so recording allocates nothing. */
const statusLabels: readonly string[] = Array.from({ length: 600 }, (_, code) => String(code));

export function statusOutcome(status: number): string {
  return statusLabels[status] ?? String(status);
}

export function createGatewayMetrics(registry: Registry): GatewayMetrics {
  const requests = new Counter({
    name: 'gateway_upstream_requests_total',
    help: 'Upstream attempts made by the gateway, by service, instance version and outcome (status code or failure kind)',
    labelNames: ['service', 'version', 'status'],
    registers: [registry],
  });
  const duration = new Histogram({
    name: 'gateway_upstream_duration_seconds',
    help: 'Upstream attempt duration in seconds, request sent to response fully streamed, by service, instance version and outcome',
    labelNames: ['service', 'version', 'status'],
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [registry],
  });
  const record = countAndDuration(requests, duration);
  return { record };
}
