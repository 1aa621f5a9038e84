import { tableProblems } from './bench-output';
import { outcome, printedTable, runBench, type BenchRun } from './bench-run';

/**
 * bench/resilience at its smallest: one one-second round per target, a 200 ms breaker window. It
 * still forks its server, runs the policy and prints its three tables. It measures nothing; it
 * keeps the command from rotting.
 */
const RUN_TIMEOUT_MS = 180_000;
const TABLES = {
  cost: ['target', 'calls/s', 'p50 ms', 'p99 ms', 'failed'],
  overhead: ['target', 'calls/s', 'µs per call'],
  open: [
    'window (rollingCountTimeoutMs)',
    'dependency failure',
    'ms until the breaker opened',
    'calls failed meanwhile',
  ],
};

let run: BenchRun;

beforeAll(async () => {
  run = await runBench(
    'resilience',
    ['--duration', '1', '--rounds', '1', '--warmup', '0', '--connections', '2', '--windows', '200', '--fill', '0'],
    RUN_TIMEOUT_MS,
  );
}, RUN_TIMEOUT_MS + 30_000);

describe('bench/resilience, smallest sizes', () => {
  it('exits 0', () => {
    expect(outcome(run)).toEqual({ code: 0, signal: null, timedOut: false, stderrTail: expect.any(String) });
  });

  it.each(Object.entries(TABLES))('prints the %s table with figures in every row (no call failed)', (_, header) => {
    expect(tableProblems(printedTable(run, header))).toEqual([]);
  });

  it('times the breaker opening for both ways a dependency fails', () => {
    expect(printedTable(run, TABLES.open).rows.map((row) => row[1])).toEqual([
      'answers 503',
      'process killed (SIGKILL)',
    ]);
  });
});
