#!/usr/bin/env node
// Propagation of a configuration change: the time from a KV write until every running ConfigStore
// (N of them, each on a registry client of its own, as N service instances would have) has validated
// and applied it. Measured for each KV backend that can be started here (Consul's API through the dev registry,
// etcd, ZooKeeper, each in its own process), and for a store that polls the KV store every second
// instead of watching it, in the same run. Prints a markdown table.
//
//   npm run build && node bench/config/run.mjs --stores 5 --writes 50 --rounds 3
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { accessSync, constants, mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import net from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';

const root = path.resolve(import.meta.dirname, '../..');
const require = createRequire(import.meta.url);
const { createConfigStore, sameJson } = require(path.join(root, 'libs/config/dist/index.js'));
const { ConsulRegistry, EtcdRegistry, ZookeeperRegistry } = require(path.join(root, 'libs/discovery/dist/index.js'));

/** The KV store of a registry of its own (what a service's live configuration watches); closing it closes the registry. */
function kvOf(registry) {
  const { kv } = registry;
  return {
    kind: kv.kind,
    list: (prefix) => kv.list(prefix),
    watch: (prefix, onChange, onError) => kv.watch(prefix, onChange, onError),
    put: (key, value) => kv.put(key, value),
    delete: (key) => kv.delete(key),
    close: () => registry.close(),
  };
}
const { z } = require(require.resolve('zod', { paths: [path.join(root, 'libs/config')] }));

const usage = `usage: node bench/config/run.mjs [options]
  --stores N        running ConfigStores that must all apply each write (default 5)
  --writes N        writes per watching backend (default 50)
  --poll-writes N   writes for the polling baseline (default 20; each waits up to a poll interval)
  --poll-ms MS      the baseline's polling interval (default 1000)
  --backends LIST   comma-separated: consul,etcd,zookeeper (default: all that can start here)
  --rounds N        rounds per row, each with fresh stores; the table shows their medians (default 3)`;

function options() {
  const { values } = parseArgs({
    options: {
      stores: { type: 'string', default: '5' },
      writes: { type: 'string', default: '50' },
      'poll-writes': { type: 'string', default: '20' },
      'poll-ms': { type: 'string', default: '1000' },
      backends: { type: 'string', default: 'consul,etcd,zookeeper' },
      rounds: { type: 'string', default: '3' },
      help: { type: 'boolean', default: false },
    },
  });
  if (values.help) {
    console.log(usage);
    process.exit(0);
  }
  const int = (name, min, max) => {
    const value = Number(values[name]);
    if (!Number.isInteger(value) || value < min || value > max)
      throw new Error(`--${name} must be an integer from ${min} to ${max}`);
    return value;
  };
  const backends = values.backends.split(',').map((b) => b.trim());
  for (const b of backends) if (!['consul', 'etcd', 'zookeeper'].includes(b)) throw new Error(`unknown backend ${b}`);
  return {
    stores: int('stores', 1, 100),
    writes: int('writes', 1, 10_000),
    pollWrites: int('poll-writes', 0, 1000),
    pollMs: int('poll-ms', 50, 60_000),
    rounds: int('rounds', 1, 50),
    backends,
  };
}

const schema = z.object({ seq: z.number().int().min(0).default(0) });
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** The baseline: a KV source whose watch lists the prefix every `intervalMs` instead of being told. */
class PollingKv {
  constructor(inner, intervalMs) {
    this.inner = inner;
    this.intervalMs = intervalMs;
    this.kind = `${inner.kind} (polled)`;
  }
  list(prefix) {
    return this.inner.list(prefix);
  }
  put(key, value) {
    return this.inner.put(key, value);
  }
  delete(key) {
    return this.inner.delete(key);
  }
  close() {
    return this.inner.close();
  }
  watch(prefix, onChange, onError) {
    let last;
    let stopped = false;
    const poll = async () => {
      try {
        const entries = await this.inner.list(prefix);
        const snapshot = Object.fromEntries(entries);
        if (!last || !sameJson(last, snapshot)) {
          last = snapshot;
          onChange(entries);
        }
      } catch (error) {
        last = undefined;
        onError?.(error);
      }
    };
    void poll();
    const timer = setInterval(() => void (stopped || poll()), this.intervalMs);
    return { close: () => ((stopped = true), clearInterval(timer)) };
  }
}

/** Writes 1..writes to one key; for each, the time until every store has applied it. */
async function measure(label, connect, { stores: count, writes, gap }) {
  const configDir = mkdtempSync(path.join(tmpdir(), 'bench-config-'));
  const service = `bench-${Math.random().toString(16).slice(2, 10)}`;
  const key = `config/${service}/seq`;
  const writer = connect();
  const clients = [];
  const stores = [];
  const waiters = new Map();
  try {
    for (let i = 0; i < count; i++) {
      const kv = connect();
      clients.push(kv);
      const store = await createConfigStore({ service, schema, configDir, kv, env: {} });
      store.subscribe((next) => waiters.get(next.seq)?.(i));
      stores.push(store);
    }
    const latencies = [];
    let lost = 0;
    for (let seq = 1; seq <= writes; seq++) {
      await sleep(gap());
      const applied = new Set();
      const all = new Promise((resolve) => {
        waiters.set(seq, (i) => {
          applied.add(i);
          if (applied.size === count) resolve(true);
        });
      });
      const started = performance.now();
      await writer.put(key, String(seq));
      const ok = await Promise.race([all, sleep(5_000).then(() => false)]);
      waiters.delete(seq);
      if (ok) latencies.push(performance.now() - started);
      else lost++;
    }
    return { label, writes, lost, ...summary(latencies) };
  } finally {
    for (const store of stores) await store.close();
    for (const kv of [writer, ...clients]) await kv.close();
    rmSync(configDir, { recursive: true, force: true });
  }
}

/** Runs `measure` `count` times; the medians of the rounds' p50 and p99, the largest max, every write. */
async function rounds(count, measure) {
  const results = [];
  for (let i = 0; i < count; i++) results.push(await measure());
  const median = (key) => {
    const sorted = results.map((r) => r[key]).sort((a, b) => a - b);
    return sorted[Math.floor(sorted.length / 2)];
  };
  return {
    writes: results.reduce((sum, r) => sum + r.writes, 0),
    lost: results.reduce((sum, r) => sum + r.lost, 0),
    p50: median('p50'),
    p99: median('p99'),
    max: Math.max(...results.map((r) => r.max)),
  };
}

function summary(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const at = (q) => sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)] ?? NaN;
  return { p50: at(0.5), p99: at(0.99), max: sorted.at(-1) ?? NaN };
}

// ---- servers, each in its own process so the measuring process only runs the stores

function freePort() {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

function onPath(name) {
  for (const dir of (process.env.PATH ?? '').split(path.delimiter)) {
    try {
      accessSync(path.join(dir, name), constants.X_OK);
      return true;
    } catch {
      // next
    }
  }
  return false;
}

async function startProcess(command, args, ready, env = {}) {
  const child = spawn(command, args, { stdio: 'ignore', env: { ...process.env, ...env } });
  const deadline = Date.now() + 30_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`${command} exited with ${child.exitCode}`);
    try {
      if (await ready()) break;
    } catch {
      // not yet
    }
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`${command} did not answer within 30 s`);
    }
    await sleep(100);
  }
  return () => {
    child.kill('SIGKILL');
  };
}

const servers = {
  async consul() {
    const port = await freePort();
    const url = `http://127.0.0.1:${port}`;
    // The dev registry enforces ACLs (default deny): the writer and every store use the management
    // token made for this run, so the figures are the watch's, not an authorisation's.
    const token = randomUUID();
    const stop = await startProcess(
      process.execPath,
      // No fixed DNS port: 8600 may be taken, and nothing here asks the registry over DNS.
      [path.join(root, 'apps/dev-registry/dist/main.js'), '--port', String(port), '--dns-port', '0'],
      async () => (await fetch(`${url}/v1/status/leader`)).ok,
      { DEV_REGISTRY_ACL_TOKEN: token },
    );
    return {
      source: 'dev registry (Consul HTTP API), blocking queries',
      connect: () => kvOf(new ConsulRegistry({ url, token })),
      stop,
    };
  },
  async etcd() {
    if (!onPath('etcd')) return { skipped: 'no etcd binary' };
    const dir = mkdtempSync(path.join(tmpdir(), 'bench-etcd-'));
    const [client, peer] = [await freePort(), await freePort()];
    const url = `http://127.0.0.1:${client}`;
    const peerUrl = `http://127.0.0.1:${peer}`;
    const args = ['--name', 'bench', '--data-dir', dir, '--listen-client-urls', url, '--advertise-client-urls', url];
    args.push(
      '--listen-peer-urls',
      peerUrl,
      '--initial-advertise-peer-urls',
      peerUrl,
      '--initial-cluster',
      `bench=${peerUrl}`,
    );
    const stop = await startProcess('etcd', args, async () => (await fetch(`${url}/health`)).ok);
    return {
      source: 'etcd, watch stream',
      connect: () => kvOf(new EtcdRegistry({ endpoints: [url] })),
      stop: () => (stop(), rmSync(dir, { recursive: true, force: true })),
    };
  },
  async zookeeper() {
    const jar = '/usr/share/java/zookeeper.jar';
    if (!onPath('java')) return { skipped: 'no java' };
    try {
      accessSync(jar, constants.R_OK);
    } catch {
      return { skipped: `no ${jar}` };
    }
    const dir = mkdtempSync(path.join(tmpdir(), 'bench-zookeeper-'));
    const port = await freePort();
    const connect = `127.0.0.1:${port}`;
    const args = [
      '-Xmx256m',
      '-Dzookeeper.admin.enableServer=false',
      '-cp',
      jar,
      'org.apache.zookeeper.server.ZooKeeperServerMain',
      String(port),
      dir,
    ];
    const stop = await startProcess('java', args, async () => {
      const probe = new ZookeeperRegistry({ connect, requestTimeoutMs: 1_000 });
      try {
        await probe.kv.list('probe/');
        return true;
      } finally {
        await probe.close();
      }
    });
    return {
      source: 'ZooKeeper, data and child watches, the changed node read again',
      connect: () => kvOf(new ZookeeperRegistry({ connect })),
      stop: () => (stop(), rmSync(dir, { recursive: true, force: true })),
    };
  },
};

const o = options();
const rows = [];
const notes = [];
for (const backend of o.backends) {
  const server = await servers[backend]();
  if (server.skipped) {
    notes.push(`${backend}: skipped (${server.skipped})`);
    continue;
  }
  try {
    // Writes 200-400 ms apart: configuration changes are rare, and the watch loops pace bursts.
    rows.push({
      backend,
      how: server.source,
      ...(await rounds(o.rounds, () =>
        measure(backend, server.connect, {
          stores: o.stores,
          writes: o.writes,
          gap: () => 200 + Math.random() * 200,
        }),
      )),
    });
    if (backend === 'consul' && o.pollWrites > 0) {
      // Random spacing, so writes land anywhere in the polling cycle.
      const polled = () => new PollingKv(server.connect(), o.pollMs);
      rows.push({
        backend,
        how: `same server, polled every ${o.pollMs} ms (baseline)`,
        ...(await rounds(o.rounds, () =>
          measure('poll', polled, {
            stores: o.stores,
            writes: o.pollWrites,
            gap: () => Math.random() * o.pollMs,
          }),
        )),
      });
    }
  } finally {
    await server.stop();
  }
}

const ms = (v) => (Number.isNaN(v) ? '-' : v.toFixed(1));
console.log(
  `\nPropagation: KV write -> applied by all ${o.stores} stores, medians of ${o.rounds} rounds (node ${process.version}, ${new Date().toISOString().slice(0, 10)})\n`,
);
console.log('| backend | how changes arrive | writes | lost | p50 ms | p99 ms | max ms |');
console.log('| --- | --- | ---: | ---: | ---: | ---: | ---: |');
for (const r of rows)
  console.log(`| ${r.backend} | ${r.how} | ${r.writes} | ${r.lost} | ${ms(r.p50)} | ${ms(r.p99)} | ${ms(r.max)} |`);
for (const note of notes) console.log(`\n${note}`);
process.exit(0);
