import path from 'node:path';
import { freePort } from '../free-port';
import { probeEtcd } from '../probes';
import { startChildServer } from '../resolve/child-server';
import { findBinaryDirectory, pathDirectories } from '../resolve/find-binary';
import { BinaryNotFoundError } from './binary-not-found';
import type { RestartableServer } from './restartable-server';
import { startRestartableServer } from './restartable-server';

export interface LocalEtcdOptions {
  /** Client port; default a free one. The peer port is always a free one. */
  port?: number;
  /** Where PATH is read from (default process.env). */
  env?: Readonly<Record<string, string | undefined>>;
  /** How long etcd may take to answer /health. Default 15000. */
  startTimeoutMs?: number;
}

export interface LocalEtcd extends RestartableServer {
  /** Client URL, e.g. http://127.0.0.1:2379. */
  url: string;
  port: number;
}

/** The directory holding the etcd binary, or undefined. */
export function findEtcd(env: Readonly<Record<string, string | undefined>> = process.env): string | undefined {
  return findBinaryDirectory(['etcd'], pathDirectories(env));
}

/**
 * A single-member etcd cluster from the local binary, on 127.0.0.1 only, with its data in a temp
 * dir. `restart()` brings it back empty on the same client port, as after losing its data.
 */
export async function startLocalEtcd(o: LocalEtcdOptions = {}): Promise<LocalEtcd> {
  const bin = findEtcd(o.env);
  if (!bin) throw new BinaryNotFoundError('no etcd binary');
  const port = o.port ?? (await freePort());
  const peerPort = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const peerUrl = `http://127.0.0.1:${peerPort}`;
  const server = await startRestartableServer('etcd', (dataDir) =>
    startChildServer(
      path.join(bin, 'etcd'),
      [
        '--name',
        'lab',
        '--data-dir',
        dataDir,
        '--listen-client-urls',
        url,
        '--advertise-client-urls',
        url,
        '--listen-peer-urls',
        peerUrl,
        '--initial-advertise-peer-urls',
        peerUrl,
        '--initial-cluster',
        `lab=${peerUrl}`,
        '--initial-cluster-state',
        'new',
      ],
      { ready: () => probeEtcd(url, 1_000), timeoutMs: o.startTimeoutMs ?? 15_000 },
    ),
  );
  return { url, port, ...server };
}
