#!/usr/bin/env node
// The gateway's startup cost: time from spawn to a passing /health/ready, the modules it loaded by
// then (count and size of their source), and the heap still in use after a forced full GC. The
// gateway runs from its dist/ folder as in production (consul backend against the dev registry, no
// database, no Redis, tracing off unless --gateway-env turns it on), once per run; medians printed
// as a markdown table.
//
//   npm run build && node bench/startup/run.mjs --runs 7
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { once } from 'node:events';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { sleep } from '@lab/common';
import { freePort } from '@lab/testing';

const root = path.resolve(import.meta.dirname, '../..');
const probe = path.join(import.meta.dirname, 'footprint-probe.cjs');

const usage = `usage: node bench/startup/run.mjs [options]
  --runs N           gateway starts to measure (default 7)
  --gateway-env K=V  extra environment for the gateway (repeatable), e.g. OTEL_TRACES_EXPORTER=console
  --packages         also list the packages the last run loaded, with their module counts
  --json             print the medians, and the last run's packages and module files, as JSON instead
  --help`;

function options() {
  let values;
  try {
    ({ values } = parseArgs({
      options: {
        runs: { type: 'string', default: '7' },
        'gateway-env': { type: 'string', multiple: true, default: [] },
        packages: { type: 'boolean', default: false },
        json: { type: 'boolean', default: false },
        help: { type: 'boolean', default: false },
      },
    }));
  } catch (error) {
    console.error(`${error.message}\n${usage}`);
    process.exit(2);
  }
  if (values.help) {
    console.log(usage);
    process.exit(0);
  }
  const runs = Number(values.runs);
  if (!Number.isInteger(runs) || runs < 1) {
    console.error(`--runs takes a whole number >= 1, got "${values.runs}"`);
    process.exit(2);
  }
  const gatewayEnv = {};
  for (const pair of values['gateway-env']) {
    const at = pair.indexOf('=');
    if (at < 1) {
      console.error(`--gateway-env takes NAME=value, got "${pair}"`);
      process.exit(2);
    }
    gatewayEnv[pair.slice(0, at)] = pair.slice(at + 1);
  }
  return { runs, gatewayEnv, packages: values.packages, json: values.json };
}

/**
 * What the gateway is measured as: configured here and by --gateway-env, not by whichever registry,
 * database, Redis or trace collector the calling shell points at (each changes what it loads).
 */
const NOT_INHERITED =
  /^(DATABASE_URL|REDIS_URL|DISCOVERY_BACKEND|CONSUL_.*|ETCD_.*|ZOOKEEPER_.*|EUREKA_.*|DNS_.*|OTEL_.*)$/;

function inheritedEnv() {
  return Object.fromEntries(Object.entries(process.env).filter(([name]) => !NOT_INHERITED.test(name)));
}

function start(args, env, ipc = false) {
  const child = spawn(process.execPath, args, {
    cwd: root,
    env,
    stdio: ['ignore', 'ignore', 'pipe', ...(ipc ? ['ipc'] : [])],
  });
  const entry = { child, exited: once(child, 'exit'), stderr: '' };
  child.stderr.on('data', (chunk) => {
    entry.stderr = (entry.stderr + chunk).slice(-4000);
  });
  return entry;
}

async function stop(entry) {
  if (entry.child.exitCode !== null || entry.child.signalCode !== null) return;
  entry.child.kill('SIGTERM');
  const killer = setTimeout(() => entry.child.kill('SIGKILL'), 10_000);
  await entry.exited;
  clearTimeout(killer);
}

/** Polls every 10 ms (fine enough for times in the hundreds of ms) until `url` answers 200. */
async function until200(url, entry, timeoutMs = 60_000) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (entry.child.exitCode !== null) throw new Error(`exited (${entry.child.exitCode}):\n${entry.stderr}`);
    try {
      const response = await fetch(url, { signal: AbortSignal.timeout(1_000) });
      await response.arrayBuffer();
      if (response.status === 200) return;
    } catch {
      // Not listening yet.
    }
    await sleep(10);
  }
  throw new Error(`${url} not 200 after ${timeoutMs} ms:\n${entry.stderr}`);
}

function footprint(entry) {
  const answer = once(entry.child, 'message');
  entry.child.send('footprint');
  return answer.then(([message]) => message);
}

const median = (xs) => {
  const sorted = [...xs].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
};

/** `node_modules/@scope/name/...` -> `@scope/name`; our own files are grouped as `(project)`. */
function packageOf(file) {
  const parts = file.split(path.sep);
  const at = parts.lastIndexOf('node_modules');
  if (at < 0) return '(project)';
  return parts[at + 1].startsWith('@') ? `${parts[at + 1]}/${parts[at + 2]}` : parts[at + 1];
}

/** Modules per package, most first. */
function packageCounts(modules) {
  const counts = new Map();
  for (const file of modules) counts.set(packageOf(file), (counts.get(packageOf(file)) ?? 0) + 1);
  return [...counts].sort((a, b) => b[1] - a[1]);
}

async function main() {
  const o = options();
  const [registryPort, gatewayPort] = await Promise.all([freePort(), freePort()]);
  const token = randomUUID();
  const registry = start(['apps/dev-registry/dist/main.js', '--port', String(registryPort)], {
    ...process.env,
    DEV_REGISTRY_ACL_TOKEN: token,
  });
  const samples = [];
  let last;
  try {
    await until200(`http://127.0.0.1:${registryPort}/v1/status/leader`, registry);
    const env = {
      ...inheritedEnv(),
      CONSUL_URL: `http://127.0.0.1:${registryPort}`,
      CONSUL_TOKEN: token,
      DISCOVERY_BACKEND: 'consul',
      LOG_LEVEL: 'warn',
      PORT: String(gatewayPort),
      ...o.gatewayEnv,
    };
    for (let run = 0; run < o.runs; run++) {
      const started = performance.now();
      const gateway = start(['--expose-gc', '--require', probe, 'apps/gateway/dist/main.js'], env, true);
      try {
        await until200(`http://127.0.0.1:${gatewayPort}/health/ready`, gateway);
        const readyMs = performance.now() - started;
        last = await footprint(gateway);
        samples.push({ readyMs, modules: last.modules.length, sourceBytes: last.sourceBytes, heapUsed: last.heapUsed });
        console.error(
          `run ${run + 1}: ready ${readyMs.toFixed(0)} ms, ${last.modules.length} modules, heap ${(last.heapUsed / 2 ** 20).toFixed(1)} MiB`,
        );
      } finally {
        await stop(gateway);
      }
    }
  } finally {
    await stop(registry);
  }

  const medians = {
    modules: median(samples.map((s) => s.modules)),
    sourceBytes: median(samples.map((s) => s.sourceBytes)),
    heapUsed: median(samples.map((s) => s.heapUsed)),
    readyMs: median(samples.map((s) => s.readyMs)),
  };
  if (o.json) {
    const packages = Object.fromEntries(packageCounts(last.modules));
    console.log(JSON.stringify({ runs: o.runs, medians, packages, modules: last.modules }));
    return;
  }
  const mib = (bytes) => (bytes / 2 ** 20).toFixed(1);
  console.log('| gateway | modules | source MiB | heap MiB after GC | ms to ready |');
  console.log('| --- | ---: | ---: | ---: | ---: |');
  console.log(
    `| median of ${o.runs} starts | ${medians.modules} | ${mib(medians.sourceBytes)} | ${mib(medians.heapUsed)} | ${medians.readyMs.toFixed(0)} |`,
  );
  if (o.packages) {
    for (const [name, count] of packageCounts(last.modules)) console.log(`${String(count).padStart(5)} ${name}`);
  }
}

main().catch((error) => {
  console.error(error.message);
  process.exit(1);
});
