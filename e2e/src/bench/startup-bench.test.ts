import path from 'node:path';

import { describeWithInfra, infra } from '@lab/testing';

import { tableProblems } from './bench-output';
import { outcome, printedTable, runBench } from './bench-run';

/**
 * bench/startup, and what it shows: a process loads only what it runs. The registry backend it was
 * given, the database and Redis clients only when it has them, the OpenTelemetry SDK only when it
 * traces; each of the others is hundreds of modules and megabytes of heap, paid at every start and
 * marked at every major GC. The gateway runs from dist/ as in production, and the bench reports the
 * packages it loaded once /health/ready passed.
 */
const RUN_TIMEOUT_MS = 90_000;
const HEADER = ['gateway', 'modules', 'source MiB', 'heap MiB after GC', 'ms to ready'];

interface Loaded {
  /** Package name -> modules of it loaded; our own files count as "(project)". */
  packages: Record<string, number>;
  modules: string[];
}

/** What the gateway loaded by the time it was ready, started with `env` on top of the bench's own. */
async function loadedAtStartup(env: Record<string, string> = {}): Promise<Loaded> {
  const args = ['--runs', '1', '--json', ...Object.entries(env).flatMap(([k, v]) => ['--gateway-env', `${k}=${v}`])];
  const run = await runBench('startup', args, RUN_TIMEOUT_MS);
  if (run.code !== 0) throw new Error(`bench/startup failed: ${JSON.stringify(outcome(run))}`);
  return JSON.parse(run.stdout) as Loaded;
}

const packagesMatching = (loaded: Loaded, name: RegExp): string[] =>
  Object.keys(loaded.packages)
    .filter((p) => name.test(p))
    .sort();

/** Other backends' clients (and what they bring), the database and Redis drivers, the tracing SDK. */
const UNUSED_BY_DEFAULT =
  /^(etcd3|@grpc\/.*|protobufjs|node-zookeeper-client|umzug|@rushstack\/.*|pg|ioredis|@opentelemetry\/(sdk-.*|exporter-.*|instrumentation.*|otlp-.*))$/;

describe('bench/startup, smallest sizes', () => {
  it(
    'exits 0 and prints the table docs/benchmarks.md shows, with figures',
    async () => {
      const run = await runBench('startup', ['--runs', '1'], RUN_TIMEOUT_MS);
      expect(outcome(run)).toEqual({ code: 0, signal: null, timedOut: false, stderrTail: expect.any(String) });
      expect(tableProblems(printedTable(run, HEADER))).toEqual([]);
    },
    RUN_TIMEOUT_MS + 10_000,
  );
});

describe('what the gateway loads at startup', () => {
  it(
    'on consul, without a database, Redis or tracing: no other backend, driver or tracing SDK',
    async () => {
      const loaded = await loadedAtStartup();
      expect(packagesMatching(loaded, UNUSED_BY_DEFAULT)).toEqual([]);
      // Not vacuous: the run did load the backend in use and the web framework.
      expect(loaded.modules.some((file) => file.endsWith(`${path.sep}consul-registry.js`))).toBe(true);
      expect(packagesMatching(loaded, /^express$/)).toEqual(['express']);
    },
    RUN_TIMEOUT_MS + 10_000,
  );

  it(
    'with tracing on: the SDK, the exporter and the instrumentations',
    async () => {
      // Nothing listens there, and nothing is sent: health probes are not traced.
      const loaded = await loadedAtStartup({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://127.0.0.1:9' });
      expect(
        packagesMatching(loaded, /^@opentelemetry\/(sdk-trace|exporter-trace-otlp-http|instrumentation-http)$/),
      ).toEqual([
        '@opentelemetry/exporter-trace-otlp-http',
        '@opentelemetry/instrumentation-http',
        '@opentelemetry/sdk-trace',
      ]);
      expect(packagesMatching(loaded, /^(etcd3|node-zookeeper-client|ioredis|umzug)$/)).toEqual([]);
    },
    RUN_TIMEOUT_MS + 10_000,
  );
});

describeWithInfra(['etcd'], 'what the gateway loads on the etcd backend', () => {
  it(
    'etcd3 and gRPC, but not the ZooKeeper client',
    async () => {
      const loaded = await loadedAtStartup({ DISCOVERY_BACKEND: 'etcd', ETCD_ENDPOINTS: infra('etcd').url ?? '' });
      expect(packagesMatching(loaded, /^(etcd3|@grpc\/grpc-js)$/)).toEqual(['@grpc/grpc-js', 'etcd3']);
      expect(packagesMatching(loaded, /^node-zookeeper-client$/)).toEqual([]);
    },
    RUN_TIMEOUT_MS + 10_000,
  );
});
