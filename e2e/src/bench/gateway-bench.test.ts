import { accessSync, constants } from 'node:fs';

import { describeWithRequirement } from '@lab/testing';

import { tableProblems } from './bench-output';
import { outcome, printedTable, runBench, type BenchRun } from './bench-run';

/**
 * bench/gateway at its smallest: one one-second saturation round and one fixed-rate round at a low
 * rate, long enough for nginx's CPU time, read from /proc in clock ticks of 10 ms, to come to a few
 * ticks (about 0.05 ms a request): at none, its CPU ratio would print as infinite. It measures
 * nothing; it keeps the command from rotting.
 */
const RUN_TIMEOUT_MS = 240_000;
const SATURATION = ['target', 'requests/s', 'p50 ms', 'p99 ms', 'failed'];
const FIXED_RATE = [
  'target',
  'rate/s',
  'p50 ms',
  'p90 ms',
  'p99 ms',
  'p50 added',
  'p90 added',
  'p99 added',
  'vCPU per 1000 req/s',
  'failed',
];

/** Where the benchmark looks for nginx (bench/gateway/nginx-peer.mjs); missing, it would install it as root. */
function nginxBinary(): string | undefined {
  return ['/usr/sbin/nginx', '/usr/bin/nginx'].find((file) => {
    try {
      accessSync(file, constants.X_OK);
      return true;
    } catch {
      return false;
    }
  });
}
const withNginx = nginxBinary() !== undefined;

let run: BenchRun;

beforeAll(async () => {
  run = await runBench(
    'gateway',
    [
      ...['--duration', '1', '--connections', '2', '--rounds', '1', '--warmup', '0'],
      ...['--rates', '100', '--rate-duration', '5'],
      ...(withNginx ? [] : ['--no-nginx']),
    ],
    RUN_TIMEOUT_MS,
    // product-service's database bulkhead sheds what its short queue cannot hold (503): on a busy
    // machine a stall of the embedded Postgres sheds part of even 100 req/s. Queued instead, every
    // request is answered, so a failure left in the table means something is broken.
    { DB_BULKHEAD_QUEUE: '1000' },
  );
}, RUN_TIMEOUT_MS + 30_000);

const fixedRateRows = () => printedTable(run, FIXED_RATE).rows.map((row) => row[0]);

describe('bench/gateway, smallest sizes', () => {
  it('exits 0', () => {
    expect(outcome(run)).toEqual({ code: 0, signal: null, timedOut: false, stderrTail: expect.any(String) });
  });

  it('prints the saturation table, direct, through the gateway and the node peer, with no request failed', () => {
    const table = printedTable(run, SATURATION);
    expect(tableProblems(table)).toEqual([]);
    expect(table.rows.map((row) => row[0])).toEqual(
      expect.arrayContaining([
        'direct (product-service)',
        'gateway (/api/products)',
        'node:http + undici',
        'gateway / direct',
        'node:http + undici / direct',
      ]),
    );
  });

  it('prints the fixed-rate table, the node:http + undici peer in it, with figures in every row and no request failed', () => {
    expect(tableProblems(printedTable(run, FIXED_RATE))).toEqual([]);
    expect(fixedRateRows()).toEqual(
      expect.arrayContaining([
        'direct (product-service CPU)',
        'gateway',
        'node:http + undici',
        'gateway CPU / node:http + undici CPU',
      ]),
    );
  });
});

describeWithRequirement(
  { name: 'nginx', available: withNginx, reason: 'no /usr/sbin/nginx or /usr/bin/nginx (Debian nginx-light)' },
  'bench/gateway beside nginx',
  () => {
    it('measures nginx as a peer proxy in the same rounds, at saturation and with the CPU ratio', () => {
      expect(fixedRateRows()).toEqual(expect.arrayContaining(['nginx', 'gateway CPU / nginx CPU']));
      expect(printedTable(run, SATURATION).rows.map((row) => row[0])).toEqual(
        expect.arrayContaining(['nginx', 'nginx / direct']),
      );
    });
  },
);
