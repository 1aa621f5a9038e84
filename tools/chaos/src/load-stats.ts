/** One answer (or failure to answer) of the load, as the report counts it. */
export interface LoadSample {
  /** HTTP status, or 'error' when no answer came (refused, reset, timed out). */
  status: number | 'error';
  /** From the moment the request was due, so that a slow server cannot hide its queue (open loop). */
  latencyMs: number;
  /** The serving instance or version the response named, if it named one. */
  servedBy?: string;
}

export interface LoadSummary {
  ok: number;
  /** Failed answers by status ('error': no answer), most frequent first. */
  failures: [string, number][];
  p50Ms?: number;
  p99Ms?: number;
  /** Answers by serving instance or version, most frequent first. */
  split: [string, number][];
}

/** A status below 400 is a success; anything else, or no answer, is a failure. */
export function summarize(samples: readonly LoadSample[]): LoadSummary {
  const failures = new Map<string, number>();
  const split = new Map<string, number>();
  let ok = 0;
  for (const s of samples) {
    if (typeof s.status === 'number' && s.status < 400) ok++;
    else failures.set(String(s.status), (failures.get(String(s.status)) ?? 0) + 1);
    if (s.servedBy !== undefined) split.set(s.servedBy, (split.get(s.servedBy) ?? 0) + 1);
  }
  const latencies = samples.map((s) => s.latencyMs).sort((a, b) => a - b);
  return {
    ok,
    failures: byCount(failures),
    ...(latencies.length > 0 ? { p50Ms: percentile(latencies, 50), p99Ms: percentile(latencies, 99) } : {}),
    split: byCount(split),
  };
}

/** Nearest-rank percentile of sorted values. */
export function percentile(sorted: readonly number[], p: number): number {
  const rank = Math.max(1, Math.ceil((p / 100) * sorted.length));
  return sorted[rank - 1];
}

function byCount(counts: Map<string, number>): [string, number][] {
  return [...counts].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]));
}

/** One line of the report: `  3s  ok 48  failed 503×2  p50 4.1 ms  p99 12.0 ms  served by v1 44, v2 4`. */
export function formatSummary(label: string, summary: LoadSummary): string {
  const failed = summary.failures.map(([status, n]) => `${status}×${n}`).join(' ') || '0';
  const latency =
    summary.p50Ms === undefined ? 'no answers' : `p50 ${ms(summary.p50Ms)}  p99 ${ms(summary.p99Ms ?? 0)}`;
  const split = summary.split.length > 0 ? `  served by ${summary.split.map(([v, n]) => `${v} ${n}`).join(', ')}` : '';
  return `${label.padStart(5)}  ok ${String(summary.ok).padStart(4)}  failed ${failed.padEnd(8)}  ${latency}${split}`;
}

function ms(value: number): string {
  return `${value.toFixed(1)} ms`;
}
