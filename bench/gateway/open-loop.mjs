// Open-loop load at a fixed rate: request i is due at start + i / rate whether or not earlier ones
// have answered, and its latency runs from that scheduled moment. A closed loop (autocannon's
// connections) sends the next request only after an answer, so a stall delays the requests that
// would have measured it and hides it from the percentiles (coordinated omission); here a 30 ms
// stall shows as 30 ms on every request due during it.
import { readFileSync } from 'node:fs';
import { Pool } from 'undici';

/** CPU seconds (user + system) a process has used so far, from /proc/<pid>/stat. */
export function processCpuSeconds(pid) {
  // Fields after the command name, which may hold spaces: state is the first, utime the 12th, stime the 13th.
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS;
}

/** Linux reports CPU time in clock ticks of 1/100 s on every architecture Node runs on. */
const CLOCK_TICKS = 100;

/** Sum of processCpuSeconds over several processes (nginx: master and workers). */
export function cpuSecondsOf(pids) {
  return pids.reduce((sum, pid) => sum + processCpuSeconds(pid), 0);
}

/** The p-th percentile (0..100) of sorted values, nearest rank. */
export function percentile(sorted, p) {
  if (sorted.length === 0) return NaN;
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[rank];
}

/**
 * Sends GET `url` at `rate` per second for `seconds`, over a keep-alive pool large enough that a
 * due request never waits for a connection. Resolves with latency percentiles (ms, from each
 * request's scheduled start), the failures, and the CPU seconds the processes `pids` used meanwhile.
 */
export async function fixedRate(url, { rate, seconds, pids = [], connections = 256 }) {
  const { origin, pathname, search } = new URL(url);
  const pool = new Pool(origin, { connections, pipelining: 1, keepAliveTimeout: 30_000 });
  const path = pathname + search;
  const total = Math.round(rate * seconds);
  const latencies = new Float64Array(total);
  const intervalMs = 1000 / rate;
  let sent = 0;
  let answered = 0;
  let failed = 0;
  let lagged = 0;
  const cpuBefore = cpuSecondsOf(pids);
  const start = performance.now();

  const send = (index, due) => {
    pool.request({ path, method: 'GET' }).then(
      async (response) => {
        await response.body.dump();
        if (response.statusCode !== 200) failed++;
        latencies[index] = performance.now() - due;
        answered++;
      },
      () => {
        failed++;
        latencies[index] = performance.now() - due;
        answered++;
      },
    );
  };

  await new Promise((resolve) => {
    const tick = () => {
      const now = performance.now();
      // Everything due by now goes out at once: if the timer fired late, the requests keep their
      // scheduled start, so the lateness counts against the target, not for it.
      while (sent < total && start + sent * intervalMs <= now) {
        const due = start + sent * intervalMs;
        if (now - due > 5) lagged++;
        send(sent, due);
        sent++;
      }
      if (sent < total) setTimeout(tick, Math.max(0, start + sent * intervalMs - performance.now()));
      else resolve();
    };
    tick();
  });
  while (answered < total) await new Promise((resolve) => setTimeout(resolve, 5));
  const elapsed = (performance.now() - start) / 1000;
  const cpu = cpuSecondsOf(pids) - cpuBefore;
  await pool.close();

  const sorted = latencies.sort();
  return {
    p50: percentile(sorted, 50),
    p90: percentile(sorted, 90),
    p99: percentile(sorted, 99),
    failed,
    // The load generator itself fell behind (>5 ms) on this share of requests: if large, the
    // machine is too busy for the rate, and the latencies measure that.
    laggedShare: lagged / total,
    /** vCPU the processes used per 1000 requests per second of load. */
    vcpuPer1000: pids.length === 0 ? undefined : cpu / elapsed / (rate / 1000),
  };
}
