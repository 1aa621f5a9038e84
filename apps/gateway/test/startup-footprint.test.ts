import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { describeWithInfra, infra } from '@lab/testing';

// A process loads only what it runs: the registry backend it was given, the database and Redis
// clients only when it has them, the OpenTelemetry SDK only when it traces. Each of these is
// hundreds of modules and megabytes of heap, paid on every start and every GC otherwise. The gateway
// runs as in production (the compiled dist/main.js in its own process), started by the startup
// benchmark, which reports what was loaded once /health/ready passes.
const ROOT = path.join(__dirname, '../../..');
const run = promisify(execFile);

interface Loaded {
  /** Package name -> modules of it loaded; our own files count as "(project)". */
  packages: Record<string, number>;
  modules: string[];
}

/** What the gateway has loaded once ready, started with `env` on top of the benchmark's. */
async function loadedAtStartup(env: Record<string, string> = {}): Promise<Loaded> {
  const args = [path.join(ROOT, 'bench/startup/run.mjs'), '--runs', '1', '--json'];
  for (const [name, value] of Object.entries(env)) args.push('--gateway-env', `${name}=${value}`);
  const { stdout } = await run(process.execPath, args, { cwd: ROOT, timeout: 60_000 });
  return JSON.parse(stdout) as Loaded;
}

const packagesMatching = (loaded: Loaded, name: RegExp): string[] =>
  Object.keys(loaded.packages)
    .filter((p) => name.test(p))
    .sort();

/** Other backends' clients (and what they bring), the database and Redis drivers, the tracing SDK. */
const UNUSED_BY_DEFAULT =
  /^(etcd3|@grpc\/.*|protobufjs|node-zookeeper-client|umzug|@rushstack\/.*|pg|ioredis|@opentelemetry\/(sdk-.*|exporter-.*|instrumentation.*|otlp-.*))$/;

describe('what the gateway loads at startup', () => {
  it('on consul, without a database, Redis or tracing: no other backend, driver or tracing SDK', async () => {
    const loaded = await loadedAtStartup();
    expect(packagesMatching(loaded, UNUSED_BY_DEFAULT)).toEqual([]);
    // Not vacuous: the run did load the backend in use and the web framework.
    expect(loaded.modules.some((file) => file.endsWith(`${path.sep}consul-registry.js`))).toBe(true);
    expect(packagesMatching(loaded, /^express$/)).toEqual(['express']);
  }, 90_000);

  it('with tracing on: the SDK, the exporter and the instrumentations', async () => {
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
  }, 90_000);
});

describeWithInfra(['etcd'], 'what the gateway loads on the etcd backend', () => {
  it('etcd3 and gRPC, but not the ZooKeeper client', async () => {
    const loaded = await loadedAtStartup({ DISCOVERY_BACKEND: 'etcd', ETCD_ENDPOINTS: infra('etcd').url ?? '' });
    expect(packagesMatching(loaded, /^(etcd3|@grpc\/grpc-js)$/)).toEqual(['@grpc/grpc-js', 'etcd3']);
    expect(packagesMatching(loaded, /^node-zookeeper-client$/)).toEqual([]);
  }, 90_000);
});
