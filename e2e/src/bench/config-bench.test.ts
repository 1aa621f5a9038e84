import { describeWithRequirement, findEtcd, findZookeeper } from '@lab/testing';

import { tableProblems } from './bench-output';
import { outcome, printedTable, runBench, type BenchRun } from './bench-run';

/**
 * bench/config at its smallest (two stores, two writes per backend, one round): it still starts
 * every KV backend it can, writes through the registry's ACLs and prints the table
 * docs/benchmarks.md shows. It measures nothing; it keeps the command from rotting.
 */
const RUN_TIMEOUT_MS = 180_000;
const HEADER = ['backend', 'how changes arrive', 'writes', 'lost', 'p50 ms', 'p99 ms', 'max ms'];

let run: BenchRun;

beforeAll(async () => {
  run = await runBench(
    'config',
    ['--stores', '2', '--writes', '2', '--poll-writes', '1', '--poll-ms', '100', '--rounds', '1'],
    RUN_TIMEOUT_MS,
  );
}, RUN_TIMEOUT_MS + 30_000);

/** The "how changes arrive" cells of one backend's rows. */
const rowsOf = (backend: string) =>
  printedTable(run, HEADER)
    .rows.filter((row) => row[0] === backend)
    .map((row) => row[1]);

describe('bench/config, smallest sizes', () => {
  it('exits 0', () => {
    expect(outcome(run)).toEqual({ code: 0, signal: null, timedOut: false, stderrTail: expect.any(String) });
  });

  it('prints the propagation table with figures in every row and no write lost', () => {
    expect(tableProblems(printedTable(run, HEADER))).toEqual([]);
  });

  it('measures the dev registry watched and, as the baseline, polled', () => {
    expect(rowsOf('consul')).toEqual([
      'dev registry (Consul HTTP API), blocking queries',
      'same server, polled every 100 ms (baseline)',
    ]);
  });
});

describeWithRequirement(
  { name: 'etcd', available: findEtcd() !== undefined, reason: 'no etcd binary on PATH' },
  'bench/config on etcd',
  () => {
    it('has a row for the etcd watch stream', () => {
      expect(rowsOf('etcd')).toEqual(['etcd, watch stream']);
    });
  },
);

describeWithRequirement(
  { name: 'zookeeper', available: findZookeeper() !== undefined, reason: 'no java with a ZooKeeper installation' },
  'bench/config on zookeeper',
  () => {
    it('has a row for the ZooKeeper watches', () => {
      expect(rowsOf('zookeeper')).toEqual(['ZooKeeper, data and child watches, the changed node read again']);
    });
  },
);
