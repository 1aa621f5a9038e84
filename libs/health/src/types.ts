/** A dependency check. Throwing (or rejecting) means failing; a returned record is shown in /health/detailed. */
export interface HealthCheck {
  name: string;
  /** A failing critical check makes the instance not ready; a non-critical one only warns. */
  critical: boolean;
  timeoutMs?: number;
  intervalMs?: number;
  run(signal: AbortSignal): Promise<void | Record<string, unknown>>;
}

export interface HealthResponse {
  status: 200 | 503;
  body: Record<string, unknown>;
}

/** A check's standing: 'pending' until its first run completes. */
export type CheckStatus = 'pass' | 'fail' | 'pending';

/** The service's standing, as in the IETF health check response format. */
export type OverallStatus = 'pass' | 'warn' | 'fail';
