import { spawn, type ChildProcess } from 'node:child_process';
import { accessSync, constants, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { startDevRegistry } from '@lab/dev-registry';
import type { KvSource } from '../../src';
import { ConsulKv, EtcdKv, ZookeeperKv } from '../../src';
import { eventually } from './eventually';

export type KvBackendName = 'consul' | 'etcd' | 'zookeeper';

/** A real KV server for one test file: from the test run's environment, or started here. */
export interface KvServer {
  backend: KvBackendName;
  /** Where it came from, for messages. */
  source: string;
  /** A new client (each store in a test gets its own, as separate services would). */
  connect(): KvSource;
  /** Stops the server (if this file started it) and keeps its data, for restart tests. */
  stop(): Promise<void>;
  /** Starts it again on the same address (only for servers this file started). */
  restart?(): Promise<void>;
  close(): Promise<void>;
}

/** True when the run hands this file a server other files use too (then it must not touch shared keys). */
export function kvServerIsShared(backend: KvBackendName): boolean {
  if (backend === 'etcd') return Boolean(process.env.TEST_ETCD_URL);
  if (backend === 'zookeeper') return Boolean(zookeeperUrl());
  return false;
}

/**
 * Whether each backend can run here, decided synchronously so a suite can skip with a reason:
 * the dev registry always can; etcd and ZooKeeper need TEST_ETCD_URL / TEST_ZOOKEEPER_URL (set by the
 * test run when it resolved them) or their Debian binaries.
 */
export function kvServerAvailability(backend: KvBackendName): { available: true } | { available: false; reason: string } {
  if (backend === 'consul') return { available: true };
  if (backend === 'etcd') {
    if (process.env.TEST_ETCD_URL || findOnPath('etcd')) return { available: true };
    return { available: false, reason: 'no TEST_ETCD_URL and no etcd binary on PATH (apt-get install etcd-server)' };
  }
  if (zookeeperUrl() || (findOnPath('java') && zookeeperJar())) return { available: true };
  return { available: false, reason: 'no TEST_ZOOKEEPER_URL, and no java with /usr/share/java/zookeeper.jar (apt-get install zookeeper)' };
}

export async function startKvServer(backend: KvBackendName): Promise<KvServer> {
  if (backend === 'consul') return startConsul();
  if (backend === 'etcd') return startEtcd();
  return startZookeeper();
}

const fastRetry = { baseDelayMs: 50, maxDelayMs: 500 };

/**
 * Consul's side is always the embedded dev registry, started for the file: it is in-process and
 * instant, and a registry of its own lets tests write the shared keys and restart it.
 */
async function startConsul(): Promise<KvServer> {
  const connect = (at: string) => () => new ConsulKv({ url: at, retry: fastRetry, requestTimeoutMs: 2_000 });
  let registry = await startDevRegistry({ port: 0 });
  const port = registry.port;
  return {
    backend: 'consul',
    source: 'embedded dev registry',
    connect: connect(registry.url),
    stop: () => registry.close(),
    restart: async () => {
      registry = await startDevRegistry({ port });
    },
    close: () => registry.close(),
  };
}

async function startEtcd(): Promise<KvServer> {
  const url = process.env.TEST_ETCD_URL;
  const connect = (endpoints: string[]) => () => new EtcdKv({ endpoints, retry: fastRetry, requestTimeoutMs: 2_000 });
  if (url) return { backend: 'etcd', source: 'TEST_ETCD_URL', connect: connect(url.split(',')), stop: notOurs, close: async () => undefined };
  const dataDir = mkdtempSync(path.join(tmpdir(), 'config-etcd-'));
  const [clientPort, peerPort] = [await freePort(), await freePort()];
  const clientUrl = `http://127.0.0.1:${clientPort}`;
  const peerUrl = `http://127.0.0.1:${peerPort}`;
  const args = [
    ...['--name', 'config-test', '--data-dir', dataDir],
    ...['--listen-client-urls', clientUrl, '--advertise-client-urls', clientUrl],
    ...['--listen-peer-urls', peerUrl, '--initial-advertise-peer-urls', peerUrl, '--initial-cluster', `config-test=${peerUrl}`],
  ];
  const ready = async () => (await fetch(`${clientUrl}/health`)).ok;
  const server = new ChildServer('etcd', args, ready);
  await server.start();
  return {
    backend: 'etcd',
    source: 'local etcd binary',
    connect: connect([clientUrl]),
    stop: () => server.stop(),
    restart: () => server.start(),
    close: async () => {
      await server.stop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

async function startZookeeper(): Promise<KvServer> {
  const connectString = zookeeperUrl();
  const connect = (at: string) => () => new ZookeeperKv({ connect: at, retry: fastRetry, requestTimeoutMs: 2_000 });
  if (connectString) return { backend: 'zookeeper', source: 'TEST_ZOOKEEPER_URL', connect: connect(connectString), stop: notOurs, close: async () => undefined };
  const dataDir = mkdtempSync(path.join(tmpdir(), 'config-zookeeper-'));
  const port = await freePort();
  const address = `127.0.0.1:${port}`;
  const args = [
    '-Xmx256m',
    // ZooKeeper 3.5+ also starts an admin web server on 8080 unless told not to.
    '-Dzookeeper.admin.enableServer=false',
    '-Dzookeeper.jmx.log4j.disable=true',
    ...['-cp', zookeeperJar() as string, 'org.apache.zookeeper.server.ZooKeeperServerMain', String(port), dataDir],
  ];
  const ready = async () => {
    const probe = new ZookeeperKv({ connect: address, requestTimeoutMs: 1_000 });
    try {
      await probe.list('probe/');
      return true;
    } finally {
      await probe.close();
    }
  };
  const server = new ChildServer('java', args, ready);
  await server.start();
  return {
    backend: 'zookeeper',
    source: 'local ZooKeeper (java)',
    connect: connect(address),
    stop: () => server.stop(),
    restart: () => server.start(),
    close: async () => {
      await server.stop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

async function notOurs(): Promise<void> {
  throw new Error('this server was not started by the test; it cannot be stopped');
}

/** One server process: started and stopped by the test, output kept for failure messages. */
class ChildServer {
  private child: ChildProcess | undefined;
  private output = '';

  constructor(
    private readonly command: string,
    private readonly args: string[],
    private readonly ready: () => Promise<boolean>,
  ) {}

  async start(): Promise<void> {
    const child = spawn(this.command, this.args, { stdio: ['ignore', 'pipe', 'pipe'] });
    this.child = child;
    const keep = (chunk: Buffer): void => {
      this.output = (this.output + chunk.toString()).slice(-2_000);
    };
    child.stdout?.on('data', keep);
    child.stderr?.on('data', keep);
    try {
      await eventually(async () => {
        if (child.exitCode !== null) throw new Error(`${this.command} exited: ${this.output.trim().split('\n').pop()}`);
        return this.ready();
      }, 30_000, `${this.command} to answer`);
    } catch (error) {
      await this.stop();
      throw error;
    }
  }

  async stop(): Promise<void> {
    const child = this.child;
    this.child = undefined;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGKILL');
    await exited;
  }
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

function findOnPath(name: string): string | undefined {
  for (const dir of (process.env.PATH ?? '').split(path.delimiter).filter(Boolean)) {
    const file = path.join(dir, name);
    try {
      accessSync(file, constants.X_OK);
      return file;
    } catch {
      // not here
    }
  }
  return undefined;
}

function zookeeperJar(): string | undefined {
  const jar = '/usr/share/java/zookeeper.jar';
  try {
    accessSync(jar, constants.R_OK);
    return jar;
  } catch {
    return undefined;
  }
}

/** TEST_ZOOKEEPER_URL may be a connect string or a zookeeper:// URL. */
function zookeeperUrl(): string | undefined {
  const value = process.env.TEST_ZOOKEEPER_URL || process.env.TEST_ZOOKEEPER_CONNECT;
  return value ? value.replace(/^zookeeper:\/\//, '') : undefined;
}
