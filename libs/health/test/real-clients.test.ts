import { Redis } from 'ioredis';
import { Pool } from 'pg';
import { freePort } from '@lab/testing';
import { HealthRegistry, postgresCheck, redisCheck } from '../src/index';

/**
 * The built-in checks against real drivers. A port nobody listens on is always available, so
 * the failure cases run everywhere; the passing cases need a server from TEST_POSTGRES_URL /
 * TEST_REDIS_URL and are skipped, with the reason printed, when it is missing.
 */

function serverFromEnv(variable: 'TEST_POSTGRES_URL' | 'TEST_REDIS_URL'): string | undefined {
  const url = process.env[variable];
  if (!url) {
    if (process.env.REQUIRE_INFRA === '1') throw new Error(`${variable} is not set and REQUIRE_INFRA=1`);
    console.warn(`skipping the passing case against a real server: ${variable} is not set`);
  }
  return url;
}

function detailOf(health: HealthRegistry, name: string) {
  return (health.detailed().body.checks as Record<string, { status: string; lastError: string | null }>)[name];
}

describe('postgresCheck with pg', () => {
  it('fails when Postgres is unreachable, and readiness follows', async () => {
    const pool = new Pool({ connectionString: `postgres://postgres@127.0.0.1:${await freePort()}/postgres` });
    const health = new HealthRegistry({ defaultTimeoutMs: 2000 });
    health.add(postgresCheck(pool));
    health.markStarted();
    try {
      await health.runAll();
      expect(detailOf(health, 'postgres')).toMatchObject({
        status: 'fail',
        lastError: expect.stringMatching(/ECONNREFUSED/),
      });
      expect(health.ready().status).toBe(503);
    } finally {
      await pool.end();
    }
  });

  const url = serverFromEnv('TEST_POSTGRES_URL');
  (url ? it : it.skip)('passes against a running Postgres', async () => {
    const pool = new Pool({ connectionString: url, max: 1 });
    const health = new HealthRegistry();
    health.add(postgresCheck(pool));
    health.markStarted();
    try {
      await health.runAll();
      expect(health.ready()).toMatchObject({ status: 200, body: { status: 'pass' } });
    } finally {
      await pool.end();
    }
  });
});

describe('redisCheck with ioredis', () => {
  it('fails when Redis is unreachable without making the service unready', async () => {
    const client = new Redis({
      port: await freePort(),
      host: '127.0.0.1',
      lazyConnect: true,
      retryStrategy: () => null,
    });
    client.on('error', () => undefined); // connection errors surface through the check
    const health = new HealthRegistry({ defaultTimeoutMs: 1000 });
    health.add(redisCheck(client));
    health.markStarted();
    try {
      await health.runAll();
      expect(detailOf(health, 'redis').status).toBe('fail');
      expect(health.ready().status).toBe(200);
      expect(health.summary().body).toMatchObject({ status: 'warn' });
    } finally {
      client.disconnect();
    }
  });

  const url = serverFromEnv('TEST_REDIS_URL');
  (url ? it : it.skip)('passes against a running Redis', async () => {
    const client = new Redis(url as string, { lazyConnect: true });
    const health = new HealthRegistry();
    health.add(redisCheck(client));
    try {
      await health.runAll();
      expect(detailOf(health, 'redis').status).toBe('pass');
    } finally {
      client.disconnect();
    }
  });
});
