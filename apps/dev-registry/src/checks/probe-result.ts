import type { CheckStatus } from '../state/types';

export interface ProbeResult {
  status: CheckStatus;
  output: string;
}

/** Consul keeps at most this much check output (its OutputMaxSize default). */
export const MAX_OUTPUT_BYTES = 4096;

/** Consul's reading of an HTTP check's answer: 2xx passing, 429 warning, anything else critical. */
export function statusForHttpCode(code: number): CheckStatus {
  if (code >= 200 && code < 300) return 'passing';
  if (code === 429) return 'warning';
  return 'critical';
}

export function truncateOutput(output: string): string {
  if (Buffer.byteLength(output) <= MAX_OUTPUT_BYTES) return output;
  return Buffer.from(output).subarray(0, MAX_OUTPUT_BYTES).toString('utf8');
}
