#!/usr/bin/env node
// What the gateway costs: GET /products/:id straight to product-service against the same request
// through the gateway (/api/products/:id), measured in alternating rounds in one run so both see the
// same machine state. Starts its own dev registry, embedded Postgres, product-service and gateway
// from their dist/ folders, prints markdown tables of medians, and stops everything again.
//
// Two measurements: at saturation (autocannon, closed loop: throughput and latency under as much
// load as the machine takes), and at fixed rates (open loop: latency added over direct at p50, p90
// and p99, and the gateway's CPU per 1000 req/s), with nginx as a peer proxy in the same rounds.
//
//   npm run bench:gateway -- --duration 10 --connections 50 --rounds 3 --rates 500,1000
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { once } from 'node:events';
import net from 'node:net';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { parseArgs } from 'node:util';
import autocannon from 'autocannon';
import pg from 'pg';
import { ensureNginx, startNginx } from './nginx-peer.mjs';
import { fixedRate } from './open-loop.mjs';

const root = path.resolve(import.meta.dirname, '../..');

const usage = `usage: node bench/gateway/run.mjs [options]
  --duration S      seconds per measured run (default 10)
  --connections N   concurrent connections (default 50)
  --rounds N        rounds; each measures direct and gateway once (default 3)
  --warmup S        seconds of unmeasured load on each target first (default 2)
  --pipelining N    requests in flight per connection (default 1)
  --redis URL       give product-service a Redis cache (default: none, every read hits Postgres)
  --mode M          saturation, fixed-rate or both (default both)
  --rates LIST      fixed rates in requests/s, comma-separated (default 500,1000)
  --rate-duration S seconds per fixed-rate run (default 10)
  --no-nginx        leave nginx out of the rounds
  --gateway-env K=V extra environment for the gateway (repeatable), e.g. NODE_OPTIONS=--cpu-prof
  --verbose         pass the children's output through`;

function parseOptions(argv) {
  const { values } = parseArgs({
    args: argv,
    options: {
      duration: { type: 'string', default: '10' },
      connections: { type: 'string', default: '50' },
      rounds: { type: 'string', default: '3' },
      warmup: { type: 'string', default: '2' },
      pipelining: { type: 'string', default: '1' },
      redis: { type: 'string' },
      mode: { type: 'string', default: 'both' },
      rates: { type: 'string', default: '500,1000' },
      'rate-duration': { type: 'string', default: '10' },
      'no-nginx': { type: 'boolean', default: false },
      'gateway-env': { type: 'string', multiple: true, default: [] },
      verbose: { type: 'boolean', default: false },
      help: { type: 'boolean', default: false },
    },
  });
  if (values.help) {
    console.log(usage);
    process.exit(0);
  }
  const oneOf = (name, allowed) => {
    if (!allowed.includes(values[name])) throw new Error(`--${name} must be one of ${allowed.join(', ')}`);
    return values[name];
  };
  const int = (name, min, max) => {
    const raw = values[name];
    const value = Number(raw);
    if (!/^\d+$/.test(raw) || value < min || value > max)
      throw new Error(`--${name} must be an integer from ${min} to ${max}, got "${raw}"`);
    return value;
  };
  return {
    duration: int('duration', 1, 3600),
    connections: int('connections', 1, 10_000),
    rounds: int('rounds', 1, 100),
    warmup: int('warmup', 0, 600),
    pipelining: int('pipelining', 1, 100),
    redisUrl: values.redis,
    mode: oneOf('mode', ['saturation', 'fixed-rate', 'both']),
    rates: values.rates.split(',').map((rate) => {
      if (!/^\d+$/.test(rate) || Number(rate) < 1 || Number(rate) > 100_000)
        throw new Error(`--rates must list integers from 1 to 100000, got "${values.rates}"`);
      return Number(rate);
    }),
    rateDuration: int('rate-duration', 1, 3600),
    nginx: !values['no-nginx'],
    gatewayEnv: Object.fromEntries(
      values['gateway-env'].map((pair) => {
        const at = pair.indexOf('=');
        if (at < 1) throw new Error(`--gateway-env takes NAME=value, got "${pair}"`);
        return [pair.slice(0, at), pair.slice(at + 1)];
      }),
    ),
    verbose: values.verbose,
  };
}

function freePort() {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** Children we started; stopped in reverse order, whatever happens. */
const children = [];
/** Stop functions of what is not a plain child (nginx), run before the children stop. */
const stoppers = [];

function start(name, script, args, env, verbose) {
  const child = spawn(process.execPath, [path.join(root, script), ...args], {
    cwd: root,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  // `tail` keeps the last lines so a child that dies can say why.
  const entry = { name, child, exited: once(child, 'exit'), tail: [], lineWatchers: [] };
  children.push(entry);
  for (const stream of [child.stdout, child.stderr]) {
    createInterface({ input: stream }).on('line', (line) => {
      entry.tail.push(line);
      if (entry.tail.length > 20) entry.tail.shift();
      for (const watch of entry.lineWatchers) watch(line);
      if (verbose) console.error(`[${name}] ${line}`);
    });
  }
  child.on('exit', (code, signal) => {
    entry.exitedWith = signal ?? code;
  });
  return entry;
}

function describeExit(entry) {
  return `${entry.name} exited (${entry.exitedWith}); last output:\n${entry.tail.join('\n')}`;
}

async function stopAll() {
  for (const stop of stoppers.splice(0)) await stop().catch(() => undefined);
  for (const { child, exited } of [...children].reverse()) {
    if (child.exitCode !== null || child.signalCode !== null) continue;
    child.kill('SIGTERM');
    const killer = setTimeout(() => child.kill('SIGKILL'), 10_000);
    await exited;
    clearTimeout(killer);
  }
}

/** Polls `url` until it answers with `status`, or fails naming the child that died first. */
async function waitFor(url, { entries, timeoutMs = 60_000, what }) {
  const deadline = Date.now() + timeoutMs;
  let last = 'no answer';
  while (Date.now() < deadline) {
    const dead = entries.find((entry) => entry.exitedWith !== undefined);
    if (dead) throw new Error(describeExit(dead));
    try {
      const response = await fetch(url, { signal: AbortSignal.timeout(2_000) });
      await response.arrayBuffer();
      if (response.status === 200) return;
      last = `status ${response.status}`;
    } catch (error) {
      last = error.cause?.code ?? error.message;
    }
    await sleep(200);
  }
  throw new Error(`${what} not ready after ${timeoutMs} ms (${last})`);
}

/** The embedded Postgres CLI prints {"url", "port"} as one JSON line once it accepts connections. */
function embeddedPostgresUrl(entry) {
  return new Promise((resolve, reject) => {
    entry.lineWatchers.push((line) => {
      if (line.startsWith('{"url"')) resolve(JSON.parse(line).url);
    });
    entry.exited.then(() => reject(new Error(describeExit(entry))));
  });
}

async function seedProduct(databaseUrl) {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    const { rows } = await client.query(
      `INSERT INTO products (sku, name, price_cents) VALUES ('BENCH-1', 'Benchmark product', 1999)
       ON CONFLICT (sku) DO UPDATE SET name = EXCLUDED.name RETURNING id`,
    );
    return rows[0].id;
  } finally {
    await client.end();
  }
}

function load(url, o, seconds) {
  return autocannon({ url, connections: o.connections, pipelining: o.pipelining, duration: seconds });
}

function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = sorted.length >> 1;
  return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

function summarise(runs) {
  return {
    rps: median(runs.map((r) => r.requests.average)),
    p50: median(runs.map((r) => r.latency.p50)),
    p99: median(runs.map((r) => r.latency.p99)),
    failed: runs.reduce((sum, r) => sum + r.errors + r.timeouts + r.non2xx, 0),
  };
}

/** Row labels of the saturation table; the peers keep their fixed-rate names. */
const SATURATION_LABELS = { direct: 'direct (product-service)', gateway: 'gateway (/api/products)' };

function saturationTable(byTarget, o) {
  const fmt = (n, digits = 2) => n.toFixed(digits);
  const ratio = (a, b) => (b === 0 ? 'n/a' : `${fmt(a / b)}x`);
  const { direct } = byTarget;
  const names = Object.keys(byTarget);
  return [
    `GET /products/:id, ${o.connections} connections, pipelining ${o.pipelining}, ${o.rounds} round(s) of ${o.duration}s each; medians`,
    '',
    '| target | requests/s | p50 ms | p99 ms | failed |',
    '| --- | ---: | ---: | ---: | ---: |',
    ...names.map((name) => {
      const t = byTarget[name];
      return `| ${SATURATION_LABELS[name] ?? name} | ${fmt(t.rps, 0)} | ${fmt(t.p50)} | ${fmt(t.p99)} | ${t.failed} |`;
    }),
    ...names
      .filter((name) => name !== 'direct')
      .map((name) => {
        const t = byTarget[name];
        return `| ${name} / direct | ${ratio(t.rps, direct.rps)} | ${ratio(t.p50, direct.p50)} | ${ratio(t.p99, direct.p99)} | |`;
      }),
  ].join('\n');
}

/**
 * Fixed-rate rounds: at each rate, every target once per round in an order that rotates between
 * rounds; the added latency is taken against direct within the same round, then the median over rounds.
 */
async function fixedRateRounds(o, targets, pids) {
  const names = Object.keys(targets);
  const results = {};
  for (const rate of o.rates) {
    results[rate] = Object.fromEntries(names.map((name) => [name, []]));
    for (let round = 1; round <= o.rounds; round++) {
      const order = names.map((_, i) => names[(i + round - 1) % names.length]);
      for (const name of order) {
        console.error(`fixed rate ${rate}/s, round ${round}/${o.rounds}: ${name} (${o.rateDuration}s) ...`);
        results[rate][name].push(await fixedRate(targets[name], { rate, seconds: o.rateDuration, pids: pids[name] }));
      }
    }
  }
  return results;
}

function fixedRateTable(results, o) {
  const fmt = (n, digits = 2) => (n === undefined || Number.isNaN(n) ? 'n/a' : n.toFixed(digits));
  // CPU time comes in clock ticks of 10 ms: a short run of a lean peer may read 0 ticks.
  const cpuRatio = (a, b) => (b > 0 ? `${fmt(a / b)}x` : 'n/a (no CPU tick measured)');
  const signed = (n) => (n === undefined || Number.isNaN(n) ? 'n/a' : `${n >= 0 ? '+' : ''}${n.toFixed(2)}`);
  const lines = [
    `GET /products/:id at fixed rates (open loop, latency from each request's scheduled start), ${o.rounds} round(s) of ${o.rateDuration}s per target, order rotating; medians of rounds`,
    '',
    '| target | rate/s | p50 ms | p90 ms | p99 ms | p50 added | p90 added | p99 added | vCPU per 1000 req/s | failed |',
    '| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
  ];
  for (const rate of o.rates) {
    const byTarget = results[rate];
    const direct = byTarget.direct;
    const cpu = {};
    for (const [name, runs] of Object.entries(byTarget)) {
      // Added latency per round against that round's direct run, so both saw the same machine state.
      const added = (key) => median(runs.map((run, round) => run[key] - direct[round][key]));
      cpu[name] = median(runs.map((run) => run.vcpuPer1000));
      const label = name === 'direct' ? 'direct (product-service CPU)' : name;
      lines.push(
        `| ${label} | ${rate} | ${fmt(median(runs.map((r) => r.p50)))} | ${fmt(median(runs.map((r) => r.p90)))} | ` +
          `${fmt(median(runs.map((r) => r.p99)))} | ${name === 'direct' ? '' : signed(added('p50'))} | ` +
          `${name === 'direct' ? '' : signed(added('p90'))} | ${name === 'direct' ? '' : signed(added('p99'))} | ` +
          `${fmt(cpu[name], 3)} | ${runs.reduce((sum, r) => sum + r.failed, 0)} |`,
      );
    }
    if (cpu.nginx !== undefined)
      lines.push(`| gateway CPU / nginx CPU | ${rate} | | | | | | | ${cpuRatio(cpu.gateway, cpu.nginx)} | |`);
    const floor = cpu['node:http + undici'];
    if (floor !== undefined)
      lines.push(`| gateway CPU / node:http + undici CPU | ${rate} | | | | | | | ${cpuRatio(cpu.gateway, floor)} | |`);
  }
  const lagged = Math.max(
    ...Object.values(results).flatMap((t) =>
      Object.values(t)
        .flat()
        .map((r) => r.laggedShare),
    ),
  );
  if (lagged > 0.01)
    lines.push(
      '',
      `(the load generator itself fell more than 5 ms behind on up to ${(lagged * 100).toFixed(1)}% of requests)`,
    );
  return lines.join('\n');
}

async function main() {
  const o = parseOptions(process.argv.slice(2));
  const [registryPort, postgresPort, productPort, gatewayPort, nginxPort, nodePeerPort] = await Promise.all([
    freePort(),
    freePort(),
    freePort(),
    freePort(),
    freePort(),
    freePort(),
  ]);
  const withNginx = o.nginx;
  const nginxBinary = withNginx ? ensureNginx((line) => console.error(line)) : undefined;
  const consulUrl = `http://127.0.0.1:${registryPort}`;
  // The dev registry enforces ACLs (default deny); both services use the management token made for
  // this run, which is all a benchmark of the proxy path needs.
  const aclToken = randomUUID();
  // Same log level for both services, so neither pays more for logging than the other.
  const common = {
    CONSUL_URL: consulUrl,
    CONSUL_TOKEN: aclToken,
    CHECK_INTERVAL: '1s',
    LOG_LEVEL: 'warn',
    DISCOVERY_BACKEND: 'consul',
  };

  console.error('starting dev registry and embedded Postgres ...');
  const registry = start(
    'dev-registry',
    'apps/dev-registry/dist/main.js',
    ['--port', String(registryPort)],
    { DEV_REGISTRY_ACL_TOKEN: aclToken },
    o.verbose,
  );
  const postgres = start(
    'embedded-postgres',
    'libs/embedded-postgres/dist/main.js',
    ['--port', String(postgresPort)],
    {},
    o.verbose,
  );
  const databaseUrl = await embeddedPostgresUrl(postgres);
  await waitFor(`${consulUrl}/v1/status/leader`, { entries: [registry], what: 'dev registry' });

  console.error('starting product-service and gateway ...');
  const product = start(
    'product-service',
    'apps/product-service/dist/main.js',
    [],
    { ...common, PORT: String(productPort), DATABASE_URL: databaseUrl, ...(o.redisUrl && { REDIS_URL: o.redisUrl }) },
    o.verbose,
  );
  const gateway = start(
    'gateway',
    'apps/gateway/dist/main.js',
    [],
    { ...common, PORT: String(gatewayPort), ...o.gatewayEnv },
    o.verbose,
  );
  const all = [registry, postgres, product, gateway];
  const directBase = `http://127.0.0.1:${productPort}`;
  const gatewayBase = `http://127.0.0.1:${gatewayPort}`;
  await waitFor(`${directBase}/health/ready`, { entries: all, what: 'product-service' });

  const id = await seedProduct(databaseUrl);
  const targets = { direct: `${directBase}/products/${id}`, gateway: `${gatewayBase}/api/products/${id}` };
  await waitFor(targets.direct, { entries: all, what: 'product read' });
  // Passing only once the registry has seen product-service's check pass and the gateway's watch caught up.
  await waitFor(targets.gateway, { entries: all, what: 'gateway route to product-service' });

  const pids = { direct: [product.child.pid], gateway: [gateway.child.pid] };
  if (withNginx) {
    const nginx = await startNginx({ binary: nginxBinary, listenPort: nginxPort, upstreamPort: productPort });
    stoppers.push(nginx.stop);
    targets.nginx = `http://127.0.0.1:${nginxPort}/api/products/${id}`;
    pids.nginx = nginx.pids;
    await waitFor(targets.nginx, { entries: all, what: 'nginx route to product-service' });
  }

  // The floor under any node:http + undici proxy, measured beside the gateway (see node-peer.mjs).
  const nodePeer = start(
    'node-peer',
    'bench/gateway/node-peer.mjs',
    ['--port', String(nodePeerPort), '--upstream', directBase],
    {},
    o.verbose,
  );
  all.push(nodePeer);
  targets['node:http + undici'] = `http://127.0.0.1:${nodePeerPort}/api/products/${id}`;
  pids['node:http + undici'] = [nodePeer.child.pid];
  await waitFor(targets['node:http + undici'], { entries: all, what: 'node peer route to product-service' });

  if (o.warmup > 0) {
    console.error(`warming up (${o.warmup}s per target) ...`);
    for (const url of Object.values(targets)) await load(url, o, o.warmup);
  }

  if (o.mode !== 'fixed-rate') {
    const names = Object.keys(targets);
    const runs = Object.fromEntries(names.map((name) => [name, []]));
    for (let round = 1; round <= o.rounds; round++) {
      // Rotate which target goes first, so none always runs on a warmer or more tired machine.
      const order = names.map((_, i) => names[(i + round - 1) % names.length]);
      for (const target of order) {
        console.error(`round ${round}/${o.rounds}: ${target} (${o.duration}s) ...`);
        runs[target].push(await load(targets[target], o, o.duration));
      }
    }
    console.log(saturationTable(Object.fromEntries(names.map((name) => [name, summarise(runs[name])])), o));
  }
  if (o.mode !== 'saturation') {
    if (o.mode === 'both') console.log('');
    console.log(fixedRateTable(await fixedRateRounds(o, targets, pids), o));
  }
}

let exitCode = 0;
process.once('SIGINT', () => {
  stopAll().finally(() => process.exit(130));
});
try {
  await main();
} catch (error) {
  console.error(`bench failed: ${error.message}`);
  exitCode = 1;
} finally {
  await stopAll();
}
process.exit(exitCode);
