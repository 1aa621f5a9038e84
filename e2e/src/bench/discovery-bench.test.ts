import { describeWithRequirement, findEtcd, findZookeeper } from '@lab/testing';

import { tableProblems } from './bench-output';
import { outcome, printedTable, runBench, type BenchRun } from './bench-run';

/**
 * bench/discovery at its smallest: one short round per client, one convergence sample per backend,
 * two instances watched by two clients. Every part still starts its servers, registers through the
 * registry's ACLs and prints its table. It measures nothing; it keeps the commands from rotting.
 */
const RUN_TIMEOUT_MS = 240_000;
const COST = ['client', 'requests/s', 'p50 ms', 'p99 ms', 'client CPU µs/call', 'failed'];
const CONVERGENCE = ['backend', 'event', 'median ms', 'min ms', 'max ms'];
const LOAD = ['instances', 'idle: requests/s', 'idle: CPU %', 'one flapping: requests/s', 'one flapping: CPU %'];

let run: BenchRun;

beforeAll(async () => {
  run = await runBench(
    'discovery',
    [
      ...['--duration', '0.3', '--rounds', '1', '--warmup', '0', '--concurrency', '2'],
      ...['--convergence', '1', '--convergence-clients', '2'],
      ...['--load-sizes', '2', '--load-clients', '2', '--load-seconds', '1', '--load-wait', '1'],
    ],
    RUN_TIMEOUT_MS,
  );
}, RUN_TIMEOUT_MS + 30_000);

/** The events measured on one backend. */
const convergenceOf = (backend: string) =>
  printedTable(run, CONVERGENCE)
    .rows.filter((row) => row[0] === backend)
    .map((row) => row[1]);
const EVENTS = ['new instance listening -> first request it serves', "SIGKILL -> removed from every client's cache"];

describe('bench/discovery, smallest sizes', () => {
  it('exits 0', () => {
    expect(outcome(run)).toEqual({ code: 0, signal: null, timedOut: false, stderrTail: expect.any(String) });
  });

  it('prints the per-call cost of every client, and their ratios, with no call failed', () => {
    const table = printedTable(run, COST);
    expect(tableProblems(table)).toEqual([]);
    expect(table.rows.map((row) => row[0])).toEqual([
      'plain fetch, fixed address',
      'undici request, fixed address',
      'ServiceClient (round-robin)',
      'ServiceClient (least-outstanding)',
      'ServiceClient (round-robin) / fetch',
      'ServiceClient (round-robin) / undici',
      'ServiceClient (least-outstanding) / fetch',
      'ServiceClient (least-outstanding) / undici',
    ]);
  });

  it('prints convergence figures on the dev registry, through its Consul and its Eureka API', () => {
    expect(tableProblems(printedTable(run, CONVERGENCE))).toEqual([]);
    expect(convergenceOf('consul')).toEqual(EVENTS);
    expect(convergenceOf('eureka')).toEqual(EVENTS);
  });

  it("prints the registry's load, its CPU read from the process it started", () => {
    const table = printedTable(run, LOAD);
    expect(tableProblems(table)).toEqual([]);
    expect(table.rows.map((row) => row[0])).toEqual(['2']);
  });
});

describeWithRequirement(
  { name: 'etcd', available: findEtcd() !== undefined, reason: 'no etcd binary on PATH' },
  'bench/discovery convergence on etcd',
  () => {
    it('has both figures for etcd', () => {
      expect(convergenceOf('etcd')).toEqual(EVENTS);
    });
  },
);

describeWithRequirement(
  { name: 'zookeeper', available: findZookeeper() !== undefined, reason: 'no java with a ZooKeeper installation' },
  'bench/discovery convergence on zookeeper',
  () => {
    it('has both figures for ZooKeeper', () => {
      expect(convergenceOf('zookeeper')).toEqual(EVENTS);
    });
  },
);
