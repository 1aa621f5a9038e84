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

export const probes: Readonly<Record<InfraKind, Probe>> = {
  postgres: probePostgres,
  redis: probeRedis,
  consul: probeConsul,
};

/** A short, single-line reason from whatever a probe threw. */
export function describeError(error: unknown): string {
  const e = error as { code?: string; message?: string; errors?: unknown[] };
  // Node reports "connect ECONNREFUSED" for each address of an AggregateError; one is enough.
  const message = e?.message || (Array.isArray(e?.errors) && (e.errors[0] as Error)?.message) || e?.code || String(error);
  return message.split('\n')[0];
}
