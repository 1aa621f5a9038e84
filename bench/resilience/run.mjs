#!/usr/bin/env node
// What @lab/resilience costs and how fast it reacts. Part 1: the same GET against the same local
// HTTP server, bare and through a call policy with every part on (timeout, retry with budget,
// breaker, bulkhead), in alternating rounds of one run; then the policy's CPU cost alone, around
// a function that does no I/O. Part 2: time from the server failing (answering 503, or killed)
// to the policy's breaker opening, under the same steady load.
// Prints markdown tables of medians.
//
//   npm run build && node bench/resilience/run.mjs --duration 10 --connections 32 --rounds 3
import { fork } from 'node:child_process';
import { once } from 'node:events';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { createCallPolicy, defaultPolicyOptions } from '@lab/resilience';
import { Agent, request } from 'undici';

const usage = `usage: node bench/resilience/run.mjs [options]
  --duration S      seconds per measured throughput run (default 10)
  --connections N   calls in flight at once, one keep-alive connection each (default 32)
  --rounds N        rounds of each measurement; the tables show medians (default 3)
  --warmup S        seconds of unmeasured load on each target first (default 2)
  --fill S          seconds of healthy load before each failure, so the breaker's window is full
                    (default: each window's length, rounded up)
  --windows LIST    breaker rolling windows (rollingCountTimeoutMs) to measure time to open with,
                    comma-separated ms (default ${defaultPolicyOptions.breaker.rollingCountTimeoutMs},2000: the default and a short one)
  --skip-cost       only measure time to open
  --skip-open       only measure the per-call cost`;

function parseOptions(argv) {
  const { values } = parseArgs({
    args: argv,
    options: {
      duration: { type: 'string', default: '10' },
      connections: { type: 'string', default: '32' },
      rounds: { type: 'string', default: '3' },
      warmup: { type: 'string', default: '2' },
      fill: { type: 'string' },
      windows: { type: 'string', default: `${defaultPolicyOptions.breaker.rollingCountTimeoutMs},2000` },
      'skip-cost': { type: 'boolean', default: false },
      'skip-open': { type: 'boolean', default: false },
      help: { type: 'boolean', default: false },
    },
  });
  if (values.help) {
    console.log(usage);
    process.exit(0);
  }
  const int = (name, min, max, raw = values[name]) => {
    const value = Number(raw);
    if (!/^\d+$/.test(raw) || value < min || value > max)
      throw new Error(`--${name} must be an integer from ${min} to ${max}, got "${raw}"`);
    return value;
  };
  const windows = values.windows.split(',').map((raw) => int('windows', 10, 600_000, raw.trim()));
  return {
    duration: int('duration', 1, 3600),
    connections: int('connections', 1, 10_000),
    rounds: int('rounds', 1, 100),
    warmup: int('warmup', 0, 600),
    windows,
    fill: values.fill === undefined ? undefined : int('fill', 0, 3600),
    cost: !values['skip-cost'],
    open: !values['skip-open'],
  };
}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** The dependency, in its own process; answers 200 until told otherwise. */
async function startServer() {
  const child = fork(path.join(import.meta.dirname, 'server.mjs'), [], {
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const [message] = await once(child, 'message');
  return {
    url: `http://127.0.0.1:${message.port}/products/p-1`,
    async setStatus(status) {
      child.send({ status });
      await once(child, 'message');
    },
    kill() {
      child.kill('SIGKILL');
    },
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = once(child, 'exit');
      child.kill('SIGTERM');
      await exited;
    },
  };
}

/** One GET as a discovery client does it: 5xx and connection failures throw. */
function get(dispatcher, url, signal) {
  return request(url, { dispatcher, signal }).then(async ({ statusCode, body }) => {
    const text = await body.text();
    if (statusCode >= 500) throw Object.assign(new Error(`upstream answered ${statusCode}`), { status: statusCode });
    return text;
  });
}

/**
 * Keeps `connections` calls in flight until `stop()` says so; records each call's latency.
 * Returns { calls, failures, seconds, latencies }.
 */
async function closedLoop(call, connections, stop, timed = true) {
  const latencies = [];
  let calls = 0;
  let failures = 0;
  const started = performance.now();
  const worker = async () => {
    while (!stop()) {
      const t0 = timed ? performance.now() : 0;
      try {
        await call();
      } catch {
        failures++;
      }
      calls++;
      if (timed) latencies.push(performance.now() - t0);
    }
  };
  await Promise.all(Array.from({ length: connections }, worker));
  return { calls, failures, seconds: (performance.now() - started) / 1000, latencies };
}

function forSeconds(seconds) {
  const end = performance.now() + seconds * 1000;
  return () => performance.now() >= end;
}

function percentile(sorted, p) {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = sorted.length >> 1;
  return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

function summariseRun(run) {
  const sorted = Float64Array.from(run.latencies).sort();
  return {
    rps: run.calls / run.seconds,
    p50: percentile(sorted, 50),
    p99: percentile(sorted, 99),
    failures: run.failures,
  };
}

async function measureCost(o) {
  const server = await startServer();
  const dispatcher = new Agent({ connections: o.connections, keepAliveTimeout: 60_000 });
  // Every part on, with the defaults a service gets: 2s timeout, 3 attempts within a 20% budget,
  // breaker 5 calls / 50% / 10s, bulkhead 64 running + 64 queued.
  const policy = createCallPolicy('bench-dependency');
  const targets = {
    bare: () => get(dispatcher, server.url),
    policy: () => policy.execute((signal) => get(dispatcher, server.url, signal), { idempotent: true }),
  };
  try {
    if (o.warmup > 0) {
      console.error(`warming up (${o.warmup}s per target) ...`);
      for (const call of Object.values(targets)) await closedLoop(call, o.connections, forSeconds(o.warmup));
    }
    const runs = { bare: [], policy: [] };
    for (let round = 1; round <= o.rounds; round++) {
      // Alternate which target goes first, so neither always runs on a warmer or more tired machine.
      const order = round % 2 ? ['bare', 'policy'] : ['policy', 'bare'];
      for (const name of order) {
        console.error(`cost round ${round}/${o.rounds}: ${name} (${o.duration}s) ...`);
        runs[name].push(summariseRun(await closedLoop(targets[name], o.connections, forSeconds(o.duration))));
      }
    }
    if (policy.snapshot().state !== 'closed')
      throw new Error('the breaker opened during the cost runs: the numbers would measure failures');
    return { bare: medians(runs.bare), policy: medians(runs.policy) };
  } finally {
    policy.shutdown();
    await dispatcher.close();
    await server.stop();
  }
}

/**
 * The policy's own CPU cost, with no I/O to hide it: the same already-resolved async function,
 * called directly and through a policy, as many times as fit in `seconds`.
 */
async function measureOverhead(o) {
  const policy = createCallPolicy('bench-overhead');
  const work = () => Promise.resolve(1);
  const targets = { bare: work, policy: () => policy.execute(work, { idempotent: true }) };
  const seconds = Math.min(o.duration, 3);
  const rates = { bare: [], policy: [] };
  try {
    for (let round = 1; round <= o.rounds; round++) {
      const order = round % 2 ? ['bare', 'policy'] : ['policy', 'bare'];
      for (const name of order) {
        console.error(`overhead round ${round}/${o.rounds}: ${name} (${seconds}s) ...`);
        const run = await closedLoop(targets[name], o.connections, forSeconds(seconds), false);
        rates[name].push(run.calls / run.seconds);
      }
    }
    return { bare: median(rates.bare), policy: median(rates.policy) };
  } finally {
    policy.shutdown();
  }
}

function medians(runs) {
  return {
    rps: median(runs.map((r) => r.rps)),
    p50: median(runs.map((r) => r.p50)),
    p99: median(runs.map((r) => r.p99)),
    failures: runs.reduce((sum, r) => sum + r.failures, 0),
  };
}

/**
 * One failure run: healthy load for `fill` seconds (the breaker's window fills with successes),
 * then the dependency fails; measures until the breaker opens. The clock starts just before the
 * 503 switch is sent or the kill signal is sent.
 */
async function timeToOpen(o, windowMs, fill, failure) {
  const server = await startServer();
  const dispatcher = new Agent({ connections: o.connections, keepAliveTimeout: 60_000 });
  let openedAt;
  const logger = {
    debug() {},
    info() {},
    error() {},
    warn(fields) {
      if (fields.state === 'open' && openedAt === undefined) openedAt = performance.now();
    },
  };
  const policy = createCallPolicy('bench-dependency', { logger, breaker: { rollingCountTimeoutMs: windowMs } });
  const call = () => policy.execute((signal) => get(dispatcher, server.url, signal), { idempotent: true });
  const limitMs = Math.max(60_000, windowMs * 3);
  let failedAt;
  let failedCalls = 0;
  try {
    const stopAt = performance.now() + fill * 1000;
    const load = closedLoop(
      async () => {
        try {
          return await call();
        } catch (error) {
          if (failedAt !== undefined && openedAt === undefined) failedCalls++;
          throw error;
        }
      },
      o.connections,
      () => openedAt !== undefined || (failedAt !== undefined && performance.now() - failedAt > limitMs),
    );
    await sleep(Math.max(0, stopAt - performance.now()));
    if (policy.state() !== 'closed') throw new Error('the breaker opened before the dependency failed');
    failedAt = performance.now();
    if (failure === '503') await server.setStatus(503);
    else server.kill();
    await load;
    if (openedAt === undefined) return { ms: Number.NaN, failedCalls };
    return { ms: openedAt - failedAt, failedCalls };
  } finally {
    policy.shutdown();
    await dispatcher.destroy();
    await server.stop();
  }
}

async function measureTimeToOpen(o) {
  const results = [];
  for (const windowMs of o.windows) {
    const fill = o.fill ?? Math.ceil(windowMs / 1000);
    for (const failure of ['503', 'killed']) {
      const rounds = [];
      for (let round = 1; round <= o.rounds; round++) {
        console.error(
          `time to open, window ${windowMs}ms, ${failure}, round ${round}/${o.rounds} (${fill}s healthy first) ...`,
        );
        rounds.push(await timeToOpen(o, windowMs, fill, failure));
      }
      results.push({
        windowMs,
        fill,
        failure,
        ms: median(rounds.map((r) => r.ms)),
        failedCalls: median(rounds.map((r) => r.failedCalls)),
      });
    }
  }
  return results;
}

const fmt = (n, digits = 2) => (Number.isFinite(n) ? n.toFixed(digits) : 'n/a');

function costTable(cost, o) {
  const ratio = (a, b) => (b === 0 ? 'n/a' : `${fmt(a / b)}x`);
  const { bare, policy } = cost;
  return [
    `Per-call cost: GET to a local HTTP server, ${o.connections} calls in flight, ${o.rounds} round(s) of ${o.duration}s; medians`,
    '',
    '| target | calls/s | p50 ms | p99 ms | failed |',
    '| --- | ---: | ---: | ---: | ---: |',
    `| bare undici request | ${fmt(bare.rps, 0)} | ${fmt(bare.p50, 3)} | ${fmt(bare.p99, 3)} | ${bare.failures} |`,
    `| through the call policy | ${fmt(policy.rps, 0)} | ${fmt(policy.p50, 3)} | ${fmt(policy.p99, 3)} | ${policy.failures} |`,
    `| policy / bare | ${ratio(policy.rps, bare.rps)} | ${ratio(policy.p50, bare.p50)} | ${ratio(policy.p99, bare.p99)} | |`,
  ].join('\n');
}

function overheadTable(rates, o) {
  const us = (rate) => 1e6 / rate;
  return [
    `Policy overhead without I/O: an already-resolved async function, ${o.connections} in flight, ${o.rounds} round(s); medians`,
    '',
    '| target | calls/s | µs per call |',
    '| --- | ---: | ---: |',
    `| direct | ${fmt(rates.bare, 0)} | ${fmt(us(rates.bare), 3)} |`,
    `| through the call policy | ${fmt(rates.policy, 0)} | ${fmt(us(rates.policy), 3)} |`,
    `| added by the policy | | ${fmt(us(rates.policy) - us(rates.bare), 3)} |`,
  ].join('\n');
}

function openTable(open, o) {
  const defaults = defaultPolicyOptions.breaker;
  const label = { 503: 'answers 503', killed: 'process killed (SIGKILL)' };
  return [
    `Time to open: ${o.connections} calls in flight, healthy load for ${o.fill === undefined ? 'one window' : `${o.fill}s`} first, breaker ${defaults.volumeThreshold} calls / ${defaults.errorThresholdPercentage}%; medians of ${o.rounds}`,
    '',
    '| window (rollingCountTimeoutMs) | dependency failure | ms until the breaker opened | calls failed meanwhile |',
    '| ---: | --- | ---: | ---: |',
    ...open.map((r) => `| ${r.windowMs} | ${label[r.failure]} | ${fmt(r.ms, 0)} | ${fmt(r.failedCalls, 0)} |`),
  ].join('\n');
}

try {
  const o = parseOptions(process.argv.slice(2));
  const tables = [];
  if (o.cost) tables.push(costTable(await measureCost(o), o), overheadTable(await measureOverhead(o), o));
  if (o.open) tables.push(openTable(await measureTimeToOpen(o), o));
  console.log(tables.join('\n\n'));
} catch (error) {
  console.error(`bench failed: ${error.message}`);
  process.exitCode = 1;
}
