import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { accessSync, constants, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { startDevRegistry } from '@lab/dev-registry';
import { freePort } from '@lab/testing';
import type { KvSource } from '../../src';
import { ConsulKv, EtcdKv, ZookeeperKv } from '../../src';
import { eventually } from './eventually';
import { NamespacedKv } from './namespaced-kv';

export type KvBackendName = 'consul' | 'etcd' | 'zookeeper';

/** A real KV server for one test file: from the test run's environment, or started here. */
export interface KvServer {
  backend: KvBackendName;
  /** Where it came from, for messages. */
  source: string;
  /** A new client (each store in a test gets its own, as separate services would). */
  connect(): KvSource;
  close(): Promise<void>;
}

/** A server the whole test run shares: this file's keys go under a namespace of their own. */
function isolated(connect: () => KvSource): () => KvSource {
  const namespace = `test-${randomBytes(4).toString('hex')}`;
  return () => new NamespacedKv(connect(), namespace);
}

/**
 * Whether each backend can run here, decided synchronously so a suite can skip with a reason:
 * the dev registry always can; etcd and ZooKeeper need TEST_ETCD_URL / TEST_ZOOKEEPER_CONNECT (set by the
 * test run when it resolved them) or their Debian binaries.
 */
export function kvServerAvailability(
  backend: KvBackendName,
): { available: true } | { available: false; reason: string } {
  if (backend === 'consul') return { available: true };
  if (backend === 'etcd') {
    if (process.env.TEST_ETCD_URL || findOnPath('etcd')) return { available: true };
    return { available: false, reason: 'no TEST_ETCD_URL and no etcd binary on PATH (apt-get install etcd-server)' };
  }
  if (zookeeperUrl() || (findOnPath('java') && zookeeperJar())) return { available: true };
  return {
    available: false,
    reason: 'no TEST_ZOOKEEPER_CONNECT, and no java with /usr/share/java/zookeeper.jar (apt-get install zookeeper)',
  };
}

export async function startKvServer(backend: KvBackendName): Promise<KvServer> {
  if (backend === 'consul') return startConsul();
  if (backend === 'etcd') return startEtcd();
  return startZookeeper();
}

export const fastRetry = { baseDelayMs: 50, maxDelayMs: 500 };

/**
 * Consul's side is always the embedded dev registry, started for the file: it is in-process and
 * instant, and a registry of its own lets tests write the shared keys.
 */
async function startConsul(): Promise<KvServer> {
  const connect = (at: string) => () => new ConsulKv({ url: at, retry: fastRetry, requestTimeoutMs: 2_000 });
  const registry = await startDevRegistry({ port: 0 });
  return {
    backend: 'consul',
    source: 'embedded dev registry',
    connect: connect(registry.url),
    close: () => registry.close(),
  };
}

async function startEtcd(): Promise<KvServer> {
  const url = process.env.TEST_ETCD_URL;
  const connect = (endpoints: string[]) => () => new EtcdKv({ endpoints, retry: fastRetry, requestTimeoutMs: 2_000 });
  if (url)
    return {
      backend: 'etcd',
      source: 'TEST_ETCD_URL',
      connect: isolated(connect(url.split(','))),
      close: async () => undefined,
    };
  const dataDir = mkdtempSync(path.join(tmpdir(), 'config-etcd-'));
  const [clientPort, peerPort] = [await freePort(), await freePort()];
  const clientUrl = `http://127.0.0.1:${clientPort}`;
  const peerUrl = `http://127.0.0.1:${peerPort}`;
  const args = [
    ...['--name', 'config-test', '--data-dir', dataDir],
    ...['--listen-client-urls', clientUrl, '--advertise-client-urls', clientUrl],
    ...[
      '--listen-peer-urls',
      peerUrl,
      '--initial-advertise-peer-urls',
      peerUrl,
      '--initial-cluster',
      `config-test=${peerUrl}`,
    ],
  ];
  const ready = async () => (await fetch(`${clientUrl}/health`)).ok;
  const server = new ChildServer('etcd', args, ready);
  await server.start();
  return {
    backend: 'etcd',
    source: 'local etcd binary',
    connect: connect([clientUrl]),
    close: async () => {
      await server.stop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

async function startZookeeper(): Promise<KvServer> {
  const connectString = zookeeperUrl();
  const connect = (at: string) => () => new ZookeeperKv({ connect: at, retry: fastRetry, requestTimeoutMs: 2_000 });
  if (connectString) {
    return {
      backend: 'zookeeper',
      source: 'TEST_ZOOKEEPER_CONNECT',
      connect: isolated(connect(connectString)),
      close: async () => undefined,
    };
  }
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
    close: async () => {
      await server.stop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
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
      await eventually(
        async () => {
          if (child.exitCode !== null)
            throw new Error(`${this.command} exited: ${this.output.trim().split('\n').pop()}`);
          return this.ready();
        },
        30_000,
        `${this.command} to answer`,
      );
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

/** The connect string the test run resolved (host:port[,host:port]). */
function zookeeperUrl(): string | undefined {
  return process.env.TEST_ZOOKEEPER_CONNECT || undefined;
}
