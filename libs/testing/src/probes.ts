import { connect as connectTcp } from 'node:net';
import { Client } from 'pg';
import Redis from 'ioredis';
import type { InfraKind } from './infra-kind';

/** Each probe resolves when the server at `url` answers a trivial request, and throws otherwise. */
export type Probe = (url: string, timeoutMs?: number) => Promise<void>;

export const probePostgres: Probe = async (url, timeoutMs = 2_000) => {
  const client = new Client({ connectionString: url, connectionTimeoutMillis: timeoutMs });
  // A server that drops the connection later must not crash the process through an unhandled 'error'.
  client.on('error', () => undefined);
  try {
    await client.connect();
    await client.query('SELECT 1');
  } finally {
    await client.end().catch(() => undefined);
  }
};

export const probeRedis: Probe = async (url, timeoutMs = 2_000) => {
  const client = new Redis(url, {
    lazyConnect: true,
    connectTimeout: timeoutMs,
    maxRetriesPerRequest: 0,
    enableOfflineQueue: false,
    retryStrategy: () => null,
  });
  client.on('error', () => undefined);
  try {
    await client.connect();
    const answer = await client.ping();
    if (answer !== 'PONG') throw new Error(`PING answered ${answer}`);
  } finally {
    client.disconnect();
  }
};

export const probeConsul: Probe = async (url, timeoutMs = 2_000) => {
  const response = await fetch(new URL('/v1/status/leader', url), { signal: AbortSignal.timeout(timeoutMs) });
  const body = await response.text();
  if (!response.ok) throw new Error(`/v1/status/leader answered ${response.status}`);
  // A Consul agent without a leader answers "" and cannot register anything yet.
  if (JSON.parse(body) === '') throw new Error('no leader elected yet');
};

export const probeEtcd: Probe = async (url, timeoutMs = 2_000) => {
  // The first endpoint of a comma-separated list is enough to tell that the cluster answers.
  const first = url.split(',')[0].trim();
  const response = await fetch(new URL('/health', first), { signal: AbortSignal.timeout(timeoutMs) });
  const body = (await response.json().catch(() => ({}))) as { health?: unknown };
  if (!response.ok || body.health !== 'true')
    throw new Error(`/health answered ${response.status} ${JSON.stringify(body)}`);
};

/**
 * Opens a ZooKeeper session on the first server of a connect string ("host:port[,...][/chroot]")
 * and waits for the server to grant it. A protocol handshake, not a four-letter word: those are
 * switched off on many servers.
 */
export const probeZookeeper: Probe = (connect, timeoutMs = 2_000) =>
  new Promise<void>((resolve, reject) => {
    const first = connect.split('/')[0].split(',')[0].trim();
    const colon = first.lastIndexOf(':');
    const host = colon > 0 ? first.slice(0, colon) : first;
    const port = colon > 0 ? Number(first.slice(colon + 1)) : 2181;
    const socket = connectTcp({ host, port });
    const timer = setTimeout(() => finish(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs);
    let answer = Buffer.alloc(0);
    let settled = false;
    const finish = (error?: Error): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      if (error) {
        socket.destroy();
        reject(error);
        return;
      }
      // Close the session at once rather than leave it to time out on the server.
      socket.end(ZOOKEEPER_CLOSE_SESSION);
      resolve();
    };
    socket.on('connect', () => socket.write(zookeeperConnectRequest(timeoutMs)));
    socket.on('data', (chunk: Buffer) => {
      answer = Buffer.concat([answer, chunk]);
      // A connect response: length(4) = 36 or 37, then protocolVersion(4) timeOut(4) sessionId(8)
      // passwd(4 + 16) [readOnly(1)]. A non-zero session id is a yes.
      if (answer.length < 4) return;
      const length = answer.readInt32BE(0);
      if (length !== 36 && length !== 37) {
        finish(new Error('the answer is not a ZooKeeper connect response'));
      } else if (answer.length >= 4 + length) {
        finish(answer.readBigInt64BE(12) !== 0n ? undefined : new Error('the server refused the session'));
      }
    });
    socket.on('error', finish);
    socket.on('close', () => finish(new Error('the server closed the connection without granting a session')));
  });

// length 8, xid 1, op closeSession (-11)
const ZOOKEEPER_CLOSE_SESSION = Buffer.from([0, 0, 0, 8, 0, 0, 0, 1, 0xff, 0xff, 0xff, 0xf5]);

function zookeeperConnectRequest(sessionTimeoutMs: number): Buffer {
  // protocolVersion, lastZxidSeen, timeOut, sessionId, passwd (length + 16 bytes), readOnly
  const body = Buffer.alloc(4 + 8 + 4 + 8 + 4 + 16 + 1);
  body.writeInt32BE(sessionTimeoutMs, 12);
  body.writeInt32BE(16, 24);
  const frame = Buffer.alloc(4);
  frame.writeInt32BE(body.length);
  return Buffer.concat([frame, body]);
}

export const probes: Readonly<Record<InfraKind, Probe>> = {
  postgres: probePostgres,
  redis: probeRedis,
  consul: probeConsul,
  etcd: probeEtcd,
  zookeeper: probeZookeeper,
};
