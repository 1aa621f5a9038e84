#!/usr/bin/env node
// What discovery costs per call, and how fast clients converge. Starts a dev registry and target
// servers as child processes, then, in this process:
//   1. per-call cost: the same GET against the same server through a plain fetch to a fixed
//      address, an undici request to a fixed address (the transport the client uses), and the
//      discovery-aware ServiceClient (cache + balancer + outlier detector); alternating rounds,
//      medians, hdr-style latency percentiles;
//   2. convergence on the consul, etcd, zookeeper and eureka backends (etcd and ZooKeeper started from
//      their local binaries, Eureka's API from a dev registry of its own): from the start of a new instance to the first request it serves, and from
//      SIGKILL of an instance to its removal from every watching client's cache;
//   3. registry load: 10, 100 and 1000 registered instances watched by 50 clients, registry
//      requests/s and CPU while nothing changes and while one instance flaps.
// Prints markdown tables on stdout; progress on stderr.
//
//   npm run build && node bench/discovery/run.mjs [--duration 0.5] [--concurrency 16] [--rounds 30]
import { execFileSync, spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import http from 'node:http';
import { once } from 'node:events';
import net from 'node:net';
import path from 'node:path';
import { createHistogram } from 'node:perf_hooks';
import { createInterface } from 'node:readline';
import { parseArgs } from 'node:util';
import v8 from 'node:v8';
import vm from 'node:vm';
import { Agent } from 'undici';
import { ConsulRegistry, ServiceDirectory, WatchedInstanceCache, createBalancer, createRegistry } from '@lab/discovery';
import { findEtcd, findZookeeper, startLocalEtcd, startLocalZookeeper } from '@lab/testing';

const root = path.resolve(import.meta.dirname, '../..');
const here = import.meta.dirname;

const usage = `usage: node bench/discovery/run.mjs [options]
  --duration S       seconds per measured run, fractions allowed (default 0.5)
  --concurrency N    calls in flight at once (default 16)
  --rounds N         rounds; each measures every variant once; 0 skips the per-call table (default 30)
  --warmup S         seconds of unmeasured calls per variant first (default 1)
  --convergence N    samples per convergence figure; 0 skips that table (default 5)
  --convergence-clients N  watching clients in the convergence table (default 5)
  --backends LIST    convergence backends, comma-separated (default consul,etcd,zookeeper,eureka)
  --load-sizes LIST  registered instances per registry-load row, comma-separated; "" skips (default 10,100,1000)
  --load-clients N   watching clients in the registry-load table (default 50)
  --load-seconds S   seconds per registry-load figure while one instance flaps (default 10)
  --load-wait S      the watchers' blocking-query wait; the idle figure lasts 1.2 times as long (default 30)
  --consul-url URL   use this Consul agent instead of starting a dev registry (its ACL token from CONSUL_HTTP_TOKEN)
  --verbose          pass the children's output through`;

function options(argv) {
  const { values } = parseArgs({
    args: argv,
    options: {
      duration: { type: 'string', default: '0.5' },
      concurrency: { type: 'string', default: '16' },
      rounds: { type: 'string', default: '30' },
      warmup: { type: 'string', default: '1' },
      convergence: { type: 'string', default: '5' },
      'convergence-clients': { type: 'string', default: '5' },
      backends: { type: 'string', default: 'consul,etcd,zookeeper,eureka' },
      'load-sizes': { type: 'string', default: '10,100,1000' },
      'load-clients': { type: 'string', default: '50' },
      'load-seconds': { type: 'string', default: '10' },
      'load-wait': { type: 'string', default: '30' },
      'consul-url': { type: 'string' },
      verbose: { type: 'boolean', default: false },
      help: { type: 'boolean', default: false },
    },
  });
  if (values.help) {
    console.log(usage);
    process.exit(0);
  }
  const int = (name, min, max) => {
    const value = Number(values[name]);
    if (!/^\d+$/.test(values[name]) || value < min || value > max) {
      throw new Error(`--${name} must be an integer from ${min} to ${max}, got "${values[name]}"`);
    }
    return value;
  };
  const seconds = (name, min, max) => {
    const value = Number(values[name]);
    if (!/^\d+(\.\d+)?$/.test(values[name]) || value < min || value > max) {
      throw new Error(`--${name} must be a number of seconds from ${min} to ${max}, got "${values[name]}"`);
    }
    return value;
  };
  return {
    duration: seconds('duration', 0.1, 600),
    concurrency: int('concurrency', 1, 1000),
    rounds: int('rounds', 0, 500),
    warmup: int('warmup', 0, 60),
    convergence: int('convergence', 0, 100),
    convergenceClients: int('convergence-clients', 1, 100),
    backends: values.backends.split(',').map((name) => {
      if (!convergenceBackends[name])
        throw new Error(`--backends takes ${Object.keys(convergenceBackends).join(', ')}, got "${name}"`);
      return name;
    }),
    loadSizes:
      values['load-sizes'] === ''
        ? []
        : values['load-sizes'].split(',').map((n) => {
            if (!/^\d+$/.test(n) || Number(n) < 1 || Number(n) > 10_000)
              throw new Error(`--load-sizes takes counts from 1 to 10000, got "${n}"`);
            return Number(n);
          }),
    loadClients: int('load-clients', 1, 1000),
    loadSeconds: int('load-seconds', 1, 600),
    loadWait: int('load-wait', 1, 300),
    consulUrl: values['consul-url'],
    verbose: values.verbose,
  };
}

const progress = (message) => console.error(`[bench] ${message}`);
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

// ---- child processes -------------------------------------------------------------------------

const children = new Set();

function spawnNode(name, script, args, verbose, env = {}) {
  const child = spawn(process.execPath, [script, ...args], {
    cwd: root,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, LOG_LEVEL: 'warn', ...env },
  });
  const entry = { name, child, exited: once(child, 'exit'), lines: [] };
  children.add(entry);
  entry.exited.then(() => children.delete(entry));
  for (const stream of [child.stdout, child.stderr]) {
    createInterface({ input: stream }).on('line', (line) => {
      entry.lines.push(line);
      if (entry.lines.length > 20) entry.lines.shift();
      if (verbose) console.error(`[${name}] ${line}`);
    });
  }
  return entry;
}

/** Resolves with the first stdout line that parses as JSON and has `key`. */
function jsonLine(entry, key) {
  return new Promise((resolve, reject) => {
    createInterface({ input: entry.child.stdout }).on('line', (line) => {
      try {
        const value = JSON.parse(line);
        if (value[key] !== undefined) resolve(value);
      } catch {
        // not the line we wait for
      }
    });
    entry.exited.then(() => reject(new Error(`${entry.name} exited early:\n${entry.lines.join('\n')}`)));
  });
}

/**
 * `self`: { registry: CreateRegistryOptions, service } to have the target register itself. It goes
 * in the environment, not the command line, since the registry options may carry a token.
 */
async function startTarget(id, verbose, self) {
  const env = self ? { BENCH_TARGET_REGISTRATION: JSON.stringify(self) } : {};
  const entry = spawnNode(id, path.join(here, 'target.mjs'), [id], verbose, env);
  const { port } = await jsonLine(entry, 'port');
  return { id, port, entry, startedAt: Date.now() };
}

function freePort() {
  return new Promise((resolve, reject) => {
    const server = net.createServer().on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

/** A dev registry on a free port, or the given Consul: its URL, the ACL token to send, and its process. */
async function startRegistry(o, env = {}) {
  if (o.consulUrl) return { url: o.consulUrl, token: process.env.CONSUL_HTTP_TOKEN || undefined };
  const port = await freePort();
  // The dev registry enforces ACLs (default deny); everything here uses the management token made
  // for this run, so that what is measured is discovery, not authorisation.
  const token = randomUUID();
  const entry = spawnNode(
    'dev-registry',
    path.join(root, 'apps/dev-registry/dist/main.js'),
    // No fixed DNS port: 8600 may be taken, and nothing here asks the registry over DNS.
    ['--port', String(port), '--dns-port', '0'],
    o.verbose,
    { ...env, DEV_REGISTRY_ACL_TOKEN: token },
  );
  const url = `http://127.0.0.1:${port}`;
  for (const deadline = Date.now() + 15_000; Date.now() < deadline; await sleep(100)) {
    try {
      if ((await fetch(`${url}/v1/status/leader`)).ok) return { url, token, pid: entry.child.pid, entry };
    } catch {
      // not listening yet
    }
  }
  throw new Error('the dev registry did not start within 15 s');
}

async function stopChildren() {
  await Promise.all(
    [...children].map(async ({ child, exited }) => {
      child.kill('SIGTERM');
      const killer = setTimeout(() => child.kill('SIGKILL'), 5_000);
      await exited;
      clearTimeout(killer);
    }),
  );
}

// ---- per-call cost ---------------------------------------------------------------------------

/**
 * Runs `call` from `concurrency` loops for `seconds`; every latency goes into an HDR histogram
 * (node:perf_hooks), in nanoseconds.
 */
async function measure(call, concurrency, seconds) {
  const histogram = createHistogram();
  let failed = 0;
  const cpu = process.cpuUsage();
  const end = performance.now() + seconds * 1000;
  const loop = async () => {
    while (performance.now() < end) {
      const started = process.hrtime.bigint();
      try {
        await call();
      } catch {
        failed += 1;
        continue;
      }
      histogram.record(process.hrtime.bigint() - started);
    }
  };
  const began = performance.now();
  await Promise.all(Array.from({ length: concurrency }, loop));
  const elapsed = (performance.now() - began) / 1000;
  const used = process.cpuUsage(cpu);
  return {
    rps: histogram.count / elapsed,
    // This process's CPU time per call: the client's own cost, less swayed by a busy machine.
    cpuUs: (used.user + used.system) / Math.max(1, histogram.count),
    p50: histogram.percentile(50) / 1e6,
    p99: histogram.percentile(99) / 1e6,
    failed,
  };
}

// A full collection on demand, without a command-line flag: the per-call rounds start each
// variant on a clean heap rather than in the middle of the previous variant's garbage.
v8.setFlagsFromString('--expose-gc');
const collectGarbage = vm.runInNewContext('gc');

/** A copy of `items` in random order (Fisher-Yates). */
function shuffled(items) {
  const copy = [...items];
  for (let i = copy.length - 1; i > 0; i--) {
    const j = Math.floor(Math.random() * (i + 1));
    [copy[i], copy[j]] = [copy[j], copy[i]];
  }
  return copy;
}

const median = (values) => {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = sorted.length >> 1;
  return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
};

async function perCallCost(o, registryInfo) {
  const target = await startTarget('bench-target-1', o.verbose);
  const registry = new ConsulRegistry({ url: registryInfo.url, token: registryInfo.token });
  await registry.register({ id: target.id, name: 'bench-target', address: '127.0.0.1', port: target.port });
  const directory = new ServiceDirectory({ registry, timeoutMs: 5_000 });
  const leastOutstanding = new ServiceDirectory({
    registry,
    timeoutMs: 5_000,
    balancer: () => createBalancer('least-outstanding'),
  });
  // Same pool settings as the directory's own, so the transport is alike.
  const agent = new Agent({ keepAliveTimeout: 4_000 });
  const origin = `http://127.0.0.1:${target.port}`;
  try {
    for (const d of [directory, leastOutstanding]) await d.cache('bench-target').ready(5_000);
    const client = directory.client('bench-target');
    const leastClient = leastOutstanding.client('bench-target');
    const variants = [
      {
        name: 'plain fetch, fixed address',
        call: async () => (await fetch(`${origin}/items`, { headers: { accept: 'application/json' } })).json(),
      },
      {
        // With the same per-call deadline the client sets, so that the ratio is discovery's alone.
        name: 'undici request, fixed address',
        call: async () => {
          const { body } = await agent.request({
            origin,
            path: '/items',
            method: 'GET',
            headers: { accept: 'application/json' },
            signal: AbortSignal.timeout(5_000),
          });
          return JSON.parse(await body.text());
        },
      },
      { name: 'ServiceClient (round-robin)', call: () => client.get('/items') },
      { name: 'ServiceClient (least-outstanding)', call: () => leastClient.get('/items') },
    ];
    const results = new Map(variants.map((v) => [v.name, []]));
    if (o.warmup > 0) {
      progress(`warming up ${variants.length} variants, ${o.warmup}s each`);
      for (const v of variants) await measure(v.call, o.concurrency, o.warmup);
    }
    for (let round = 0; round < o.rounds; round++) {
      // A new order each round, so that no variant always follows the same one (and inherits its
      // garbage and its leftover timers), and a collection first, so that it starts clean.
      for (const v of shuffled(variants)) {
        progress(`round ${round + 1}/${o.rounds}: ${v.name}`);
        collectGarbage();
        results.get(v.name).push(await measure(v.call, o.concurrency, o.duration));
      }
    }
    return [...results].map(([name, runs]) => ({
      name,
      runs,
      rps: median(runs.map((r) => r.rps)),
      p50: median(runs.map((r) => r.p50)),
      p99: median(runs.map((r) => r.p99)),
      cpuUs: median(runs.map((r) => r.cpuUs)),
      failed: runs.reduce((sum, r) => sum + r.failed, 0),
    }));
  } finally {
    await Promise.all([directory.close(), leastOutstanding.close(), agent.close()]);
    await registry.deregister(target.id).catch(() => undefined);
    await registry.close();
    target.entry.child.kill('SIGTERM');
  }
}

function costTable(rows, o) {
  const fmt = (n, digits = 2) => n.toFixed(digits);
  const [fetchRow, undiciRow] = rows;
  // The median of each round's own ratio: a busy machine drifts between rounds, and a ratio of two
  // runs from the same round shares most of that drift.
  const ratio = (row, base, key) => {
    const ratios = row.runs.map((run, i) => run[key] / base.runs[i][key]).filter(Number.isFinite);
    return ratios.length === 0 ? 'n/a' : `${fmt(median(ratios))}x`;
  };
  const lines = [
    `GET /items from one process, ${o.concurrency} calls in flight, ${o.rounds} round(s) of ${o.duration}s each; medians (of each round's ratio in the ratio rows)`,
    '',
    '| client | requests/s | p50 ms | p99 ms | client CPU µs/call | failed |',
    '| --- | ---: | ---: | ---: | ---: | ---: |',
    ...rows.map(
      (r) =>
        `| ${r.name} | ${fmt(r.rps, 0)} | ${fmt(r.p50, 3)} | ${fmt(r.p99, 3)} | ${fmt(r.cpuUs, 1)} | ${r.failed} |`,
    ),
  ];
  for (const r of rows.slice(2)) {
    for (const [label, base] of [
      ['fetch', fetchRow],
      ['undici', undiciRow],
    ]) {
      lines.push(
        `| ${r.name} / ${label} | ${ratio(r, base, 'rps')} | ${ratio(r, base, 'p50')} | ${ratio(r, base, 'p99')} | ${ratio(r, base, 'cpuUs')} | |`,
      );
    }
  }
  return lines.join('\n');
}

// ---- convergence -----------------------------------------------------------------------------

/** Polls `condition` every millisecond; resolves with the time it took, or rejects after `timeoutMs`. */
async function until(condition, timeoutMs, what) {
  const started = performance.now();
  while (!(await condition())) {
    if (performance.now() - started > timeoutMs) throw new Error(`${what}: not within ${timeoutMs} ms`);
    await sleep(1);
  }
  return performance.now() - started;
}

// Short lease and session, as the discovery contract tests use: on etcd and ZooKeeper a killed
// instance leaves when its lease or session runs out, so these bound the removal time.
const ETCD_LEASE_TTL_SECONDS = 2;
const ZOOKEEPER_SESSION_TIMEOUT_MS = 3000;
// Eureka as `npm start -- --backend eureka` runs it: renewals every second, a 3 s lease, eviction
// runs every second, clients fetching the delta every second (Eureka's own: 30 s, 90 s, 60 s, 30 s).
const EUREKA_TIMINGS = { eurekaRenewalIntervalMs: 1000, eurekaLeaseDurationMs: 3000, eurekaFetchIntervalMs: 1000 };

/**
 * Each backend: how to get a server (undefined and a reason when it cannot be had here), the
 * registry options its clients and targets use, and what keeps a registration alive.
 */
const convergenceBackends = {
  consul: {
    liveness: 'HTTP check every 1s',
    // The dev registry that the rest of the run uses; the targets are registered from here with an
    // HTTP check, as service-kit does, since Consul notices a death by its failing check.
    start: async (registryInfo) => ({
      registry: { backend: 'consul', consulUrl: registryInfo.url, consulToken: registryInfo.token },
      selfRegistering: false,
      stop: async () => undefined,
    }),
  },
  etcd: {
    liveness: `lease TTL ${ETCD_LEASE_TTL_SECONDS}s`,
    missing: () => (findEtcd() ? undefined : 'no etcd binary on PATH'),
    start: async () => {
      const etcd = await startLocalEtcd();
      return {
        registry: { backend: 'etcd', etcdEndpoints: [etcd.url], etcdLeaseTtlSeconds: ETCD_LEASE_TTL_SECONDS },
        selfRegistering: true,
        stop: etcd.stop,
      };
    },
  },
  zookeeper: {
    liveness: `session timeout ${ZOOKEEPER_SESSION_TIMEOUT_MS / 1000}s`,
    missing: () => (findZookeeper() ? undefined : 'no java with a ZooKeeper installation'),
    start: async () => {
      const zookeeper = await startLocalZookeeper();
      return {
        registry: {
          backend: 'zookeeper',
          zookeeperConnect: zookeeper.connect,
          zookeeperSessionTimeoutMs: ZOOKEEPER_SESSION_TIMEOUT_MS,
        },
        selfRegistering: true,
        stop: zookeeper.stop,
      };
    },
  },
  eureka: {
    liveness: 'lease 3s, renewals, eviction runs and delta fetches every 1s',
    // A dev registry of its own (its Eureka API), evicting every second as npm start's does.
    start: async (_registryInfo, o) => {
      const eureka = await startRegistry(
        { ...o, consulUrl: undefined },
        { DEV_REGISTRY_EUREKA_EVICTION_INTERVAL: '1s' },
      );
      return {
        registry: {
          backend: 'eureka',
          eurekaUrl: `${eureka.url}/eureka`,
          eurekaToken: eureka.token,
          ...EUREKA_TIMINGS,
        },
        selfRegistering: true,
        stop: async () => {
          eureka.entry.child.kill('SIGTERM');
          await eureka.entry.exited;
        },
      };
    },
  },
};

/** Servers started for the convergence table, stopped on Ctrl-C too. */
const servers = new Set();

async function convergence(o, name, registryInfo) {
  const server = await convergenceBackends[name].start(registryInfo, o);
  servers.add(server);
  const service = `bench-converge-${name}`;
  // `--convergence-clients` independent clients, each with its own registry connection and watch.
  const clients = Array.from({ length: o.convergenceClients }, () => {
    const registry = createRegistry(server.registry);
    const directory = new ServiceDirectory({ registry, timeoutMs: 1_000 });
    return { registry, directory, cache: directory.cache(service) };
  });
  const client = clients[0].directory.client(service);
  const check = { interval: '1s', timeout: '1s', deregisterCriticalServiceAfter: '1m' };
  const admin = server.selfRegistering ? undefined : createRegistry(server.registry);
  const start = async (id) => {
    if (server.selfRegistering) return startTarget(id, o.verbose, { registry: server.registry, service });
    const target = await startTarget(id, o.verbose);
    await admin.register({
      id,
      name: service,
      address: '127.0.0.1',
      port: target.port,
      check: { ...check, http: `http://127.0.0.1:${target.port}/health` },
    });
    return target;
  };
  const listedEverywhere = (id) => clients.every((c) => c.cache.instances().some((i) => i.id === id));
  const listedNowhere = (id) => clients.every((c) => !c.cache.instances().some((i) => i.id === id));
  const joins = [];
  const kills = [];
  let anchor;
  try {
    // An anchor instance keeps the service non-empty, so the round-robin has something to call.
    anchor = await start(`${service}-anchor`);
    await until(() => listedEverywhere(anchor.id), 15_000, 'anchor instance listed');
    for (let sample = 0; sample < o.convergence; sample++) {
      progress(`convergence on ${name}: sample ${sample + 1}/${o.convergence}`);
      // From the moment the new process listens: it registers (itself, or from here right after it
      // listens), the registry publishes it, the watch tells the cache, and a call lands on it.
      const fresh = await start(`${service}-${sample}`);
      const joined = performance.now() - (Date.now() - fresh.startedAt);
      await until(async () => (await client.get('/')).body.id === fresh.id, 15_000, 'first request to a new instance');
      joins.push(performance.now() - joined);

      fresh.entry.child.kill('SIGKILL');
      kills.push(
        await until(() => listedNowhere(fresh.id), 30_000, `killed instance removed from every client's cache`),
      );
      if (admin) await admin.deregister(fresh.id);
    }
  } finally {
    for (const c of clients) {
      await c.directory.close();
      await c.registry.close();
    }
    if (admin) {
      if (anchor) await admin.deregister(anchor.id).catch(() => undefined);
      await admin.close();
    }
    anchor?.entry.child.kill('SIGTERM');
    servers.delete(server);
    await server.stop();
  }
  return { name, joins, kills };
}

function convergenceTable(figures, skipped, o, consulUrl) {
  const fmt = (values) =>
    `${median(values).toFixed(0)} | ${Math.min(...values).toFixed(0)} | ${Math.max(...values).toFixed(0)}`;
  const where = {
    consul: o.consulUrl ? consulUrl : 'the dev registry',
    etcd: 'one local etcd',
    zookeeper: 'one local ZooKeeper',
    eureka: "a dev registry's Eureka API",
  };
  const servers = figures
    .map((f) => `${f.name} on ${where[f.name]}, ${convergenceBackends[f.name].liveness}`)
    .join('; ');
  const skips = skipped.map(([name, reason]) => `${name}: skipped (${reason})`);
  if (figures.length === 0) return skips.join('\n');
  return [
    `${o.convergenceClients} clients each watching the service (WatchedInstanceCache), ${o.convergence} samples per backend; ${servers}`,
    '',
    '| backend | event | median ms | min ms | max ms |',
    '| --- | --- | ---: | ---: | ---: |',
    ...figures.flatMap((f) => [
      `| ${f.name} | new instance listening -> first request it serves | ${fmt(f.joins)} |`,
      `| ${f.name} | SIGKILL -> removed from every client's cache | ${fmt(f.kills)} |`,
    ]),
    ...(skips.length > 0 ? ['', ...skips] : []),
  ].join('\n');
}

// ---- registry load ---------------------------------------------------------------------------

/** A pass-through proxy in front of the registry that counts the requests the clients send. */
async function countingProxy(targetUrl) {
  const target = new URL(targetUrl);
  const agent = new http.Agent({ keepAlive: true, maxSockets: Infinity });
  const counter = { requests: 0 };
  const server = http.createServer((req, res) => {
    counter.requests += 1;
    const upstream = http.request(
      { host: target.hostname, port: target.port, method: req.method, path: req.url, headers: req.headers, agent },
      (answer) => {
        res.writeHead(answer.statusCode, answer.headers);
        answer.pipe(res);
      },
    );
    upstream.on('error', () => res.destroy());
    req.pipe(upstream);
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${server.address().port}`,
    counter,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
        agent.destroy();
      }),
  };
}

/** CPU seconds (user + system) a process has used so far, from /proc; undefined where there is none. */
function cpuSeconds(pid) {
  if (pid === undefined) return undefined;
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
    cpuSeconds.ticks ??= Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' })) || 100;
    // Fields 14 and 15 of stat (utime, stime), counted from the state field, which is field 3.
    return (Number(fields[11]) + Number(fields[12])) / cpuSeconds.ticks;
  } catch {
    return undefined;
  }
}

async function window(seconds, counter, pid, during) {
  const requests = counter.requests;
  const cpu = cpuSeconds(pid);
  const started = performance.now();
  await during(seconds * 1000);
  const elapsed = (performance.now() - started) / 1000;
  const cpuAfter = cpuSeconds(pid);
  return {
    rps: (counter.requests - requests) / elapsed,
    cpu: cpu === undefined || cpuAfter === undefined ? undefined : ((cpuAfter - cpu) / elapsed) * 100,
  };
}

async function registryLoad(o, registryInfo) {
  const admin = new ConsulRegistry({ url: registryInfo.url, token: registryInfo.token });
  const proxy = await countingProxy(registryInfo.url);
  const service = 'bench-load';
  const rows = [];
  let registered = 0;
  const idOf = (n) => `${service}-${String(n).padStart(5, '0')}`;
  try {
    for (const size of o.loadSizes) {
      progress(`registry load: ${size} instances, ${o.loadClients} watching clients`);
      // Registered straight at the registry: only the watchers' traffic goes through the counter.
      for (; registered < size; registered += 20) {
        const batch = Array.from({ length: Math.min(20, size - registered) }, (_, i) => registered + i);
        await Promise.all(
          batch.map((n) => admin.register({ id: idOf(n), name: service, address: '127.0.0.1', port: 20_000 + n })),
        );
      }
      for (let n = registered - 1; n >= size; n--) await admin.deregister(idOf(n));
      registered = size;

      const clients = Array.from({ length: o.loadClients }, () => {
        const registry = new ConsulRegistry({
          url: proxy.url,
          token: registryInfo.token,
          blockingWait: `${o.loadWait}s`,
        });
        const cache = new WatchedInstanceCache(registry, service);
        cache.start();
        return { registry, cache };
      });
      try {
        await until(
          () => clients.every((c) => c.cache.instances().length === size),
          30_000,
          'every client sees every instance',
        );
        await sleep(1_000);
        // Long enough for every watcher's blocking query to run out and be renewed at least once.
        const idle = await window(o.loadWait * 1.2, proxy.counter, registryInfo.pid, (ms) => sleep(ms));
        // One instance leaves and comes back every second, as a crash-looping instance would.
        const flapping = await window(o.loadSeconds, proxy.counter, registryInfo.pid, async (ms) => {
          for (const end = performance.now() + ms; performance.now() < end;) {
            await admin.deregister(idOf(0));
            await sleep(500);
            await admin.register({ id: idOf(0), name: service, address: '127.0.0.1', port: 20_000 });
            await sleep(500);
          }
        });
        rows.push({ size, idle, flapping });
      } finally {
        for (const { registry, cache } of clients) {
          cache.close();
          await registry.close();
        }
      }
    }
  } finally {
    for (let n = 0; n < registered; n++) await admin.deregister(idOf(n)).catch(() => undefined);
    await admin.close();
    await proxy.close();
  }
  return rows;
}

function loadTable(rows, o) {
  const cpu = (value) => (value === undefined ? 'n/a' : value.toFixed(1));
  return [
    `consul backend, ${o.loadClients} clients each watching one service through a blocking query (wait ${o.loadWait}s); idle over ${+(o.loadWait * 1.2).toFixed(1)}s, flapping over ${o.loadSeconds}s; registry CPU in % of one core`,
    '',
    '| instances | idle: requests/s | idle: CPU % | one flapping: requests/s | one flapping: CPU % |',
    '| ---: | ---: | ---: | ---: | ---: |',
    ...rows.map(
      (r) =>
        `| ${r.size} | ${r.idle.rps.toFixed(1)} | ${cpu(r.idle.cpu)} | ${r.flapping.rps.toFixed(1)} | ${cpu(r.flapping.cpu)} |`,
    ),
  ].join('\n');
}

// ---- main ------------------------------------------------------------------------------------

async function main() {
  const o = options(process.argv.slice(2));
  const registryInfo = await startRegistry(o);
  const consulUrl = registryInfo.url;
  progress(`registry at ${consulUrl}`);
  if (o.rounds > 0) {
    const rows = await perCallCost(o, registryInfo);
    console.log(`## Per-call cost\n\n${costTable(rows, o)}\n`);
  }
  if (o.convergence > 0) {
    const figures = [];
    const skipped = [];
    for (const name of o.backends) {
      const missing = convergenceBackends[name].missing?.();
      if (missing) {
        progress(`convergence on ${name}: skipped, ${missing}`);
        skipped.push([name, missing]);
        continue;
      }
      figures.push(await convergence(o, name, registryInfo));
    }
    console.log(`## Convergence\n\n${convergenceTable(figures, skipped, o, consulUrl)}\n`);
  }
  if (o.loadSizes.length > 0) {
    const rows = await registryLoad(o, registryInfo);
    console.log(`## Registry load\n\n${loadTable(rows, o)}\n`);
  }
}

let exitCode = 0;
for (const signal of ['SIGINT', 'SIGTERM']) {
  process.once(signal, () => {
    Promise.all([stopChildren(), ...[...servers].map((server) => server.stop())]).finally(() => process.exit(130));
  });
}
try {
  await main();
} catch (error) {
  console.error(`[bench] ${error.stack ?? error}`);
  exitCode = 1;
} finally {
  await stopChildren();
  await Promise.all([...servers].map((server) => server.stop()));
}
process.exit(exitCode);
