import { Client } from 'pg';
import Redis from 'ioredis';
import { describeWithInfra, infra, probeConsul, resolveConsul, resolvePostgres, resolveRedis } from '../src';
import { containerRuntimeUnavailable } from '../src/resolve/container-step';
import type { ResolvedServer, ServerResolution } from '../src';
import { findBinaryDirectory, pathDirectories, postgresqlLibDirectories } from '../src/resolve/find-binary';

/** Narrows a resolution to a running server, failing the test with the reason otherwise. */
function running(r: ServerResolution): ResolvedServer {
  if (!r.available) throw new Error(`expected a server, got: ${r.reason}`);
  return r;
}

async function redisPing(url: string): Promise<string> {
  const redis = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 0 });
  try {
    await redis.connect();
    return await redis.ping();
  } finally {
    redis.disconnect();
  }
}

async function postgresSelect(url: string): Promise<number> {
  const client = new Client(url);
  await client.connect();
  try {
    return (await client.query<{ answer: number }>('SELECT 41 + 1 AS answer')).rows[0].answer;
  } finally {
    await client.end();
  }
}

const noBinaries = { PATH: '' };

describe('env step', () => {
  describeWithInfra(['postgres', 'redis'], 'with servers that answer', () => {
    it('uses TEST_POSTGRES_URL and TEST_REDIS_URL once they answer, and stop() leaves them running', async () => {
      const env = { TEST_POSTGRES_URL: infra('postgres').url, TEST_REDIS_URL: infra('redis').url };
      const postgres = running(await resolvePostgres({ steps: ['env'], env }));
      const redis = running(await resolveRedis({ steps: ['env'], env }));
      expect([postgres.source, postgres.url]).toEqual(['env', env.TEST_POSTGRES_URL]);
      expect([redis.source, redis.url]).toEqual(['env', env.TEST_REDIS_URL]);
      await Promise.all([postgres.stop(), redis.stop()]);
      await expect(postgresSelect(postgres.url)).resolves.toBe(42);
      await expect(redisPing(redis.url)).resolves.toBe('PONG');
    });
  });

  it('passes over a URL that does not answer, naming it without its password', async () => {
    const env = { TEST_POSTGRES_URL: 'postgres://app:hunter2@127.0.0.1:1/postgres' };
    const r = await resolvePostgres({ steps: ['env'], env });
    expect(r.available).toBe(false);
    expect(r).toMatchObject({
      reason: expect.stringMatching(
        /^TEST_POSTGRES_URL \(postgres:\/\/app:\*\*\*@127\.0\.0\.1:1\/postgres\) did not answer: .*ECONNREFUSED/,
      ),
    });
  });

  it('says which variable is missing', async () => {
    await expect(resolveConsul({ steps: ['env'], env: {} })).resolves.toEqual({
      kind: 'consul',
      available: false,
      reason: 'no TEST_CONSUL_URL',
    });
  });
});

describe('container step', () => {
  it('moves on quickly with a reason when no container runtime answers, or starts a container when one does', async () => {
    const started = Date.now();
    const unavailable = await containerRuntimeUnavailable();
    if (unavailable) {
      const r = await resolveRedis({ steps: ['container'] });
      expect(r).toEqual({ kind: 'redis', available: false, reason: unavailable });
      expect(unavailable).toMatch(/container runtime/);
      expect(Date.now() - started).toBeLessThan(5_000);
    } else {
      const redis = running(await resolveRedis({ steps: ['container'] }));
      try {
        expect(redis.source).toBe('container');
        await expect(redisPing(redis.url)).resolves.toBe('PONG');
      } finally {
        await redis.stop();
      }
    }
  }, 120_000);
});

describe('binary step', () => {
  const hasRedisServer = Boolean(findBinaryDirectory(['redis-server'], pathDirectories()));
  const hasPostgres = Boolean(
    findBinaryDirectory(['initdb', 'postgres'], [...pathDirectories(), ...postgresqlLibDirectories()]),
  );

  (hasRedisServer ? it : it.skip)('starts redis-server on a free port, answers PING, and stop() ends it', async () => {
    const redis = running(await resolveRedis({ steps: ['binary'] }));
    expect(redis.source).toBe('binary');
    await expect(redisPing(redis.url)).resolves.toBe('PONG');
    await redis.stop();
    await expect(redisPing(redis.url)).rejects.toThrow();
  });

  (hasPostgres ? it : it.skip)(
    'initdb + postgres on a free port (as the postgres user when run as root)',
    async () => {
      const r = await resolvePostgres({ steps: ['binary'] });
      if (!r.available && process.getuid?.() === 0) {
        // Root without a postgres user to switch to: the step must say so rather than fail obscurely.
        expect(r.reason).toMatch(/refuses to run as root/);
        return;
      }
      const postgres = running(r);
      expect(postgres.source).toBe('binary');
      await expect(postgresSelect(postgres.url)).resolves.toBe(42);
      await postgres.stop();
      await expect(postgresSelect(postgres.url)).rejects.toThrow(/ECONNREFUSED/);
    },
    30_000,
  );

  it.each([
    ['redis', resolveRedis, 'no redis-server binary'],
    ['consul', resolveConsul, 'no consul binary'],
  ] as const)('reports a missing %s binary', async (_kind, resolve, reason) => {
    await expect(resolve({ steps: ['binary'], env: noBinaries })).resolves.toMatchObject({ available: false, reason });
  });
});

describe('embedded step', () => {
  it('starts PGlite behind a socket that pg can query', async () => {
    const postgres = running(await resolvePostgres({ from: 'embedded' }));
    try {
      expect(postgres.source).toBe('embedded');
      await expect(postgresSelect(postgres.url)).resolves.toBe(42);
    } finally {
      await postgres.stop();
    }
  });

  it('starts the dev registry, which answers /v1/status/leader like Consul', async () => {
    const consul = running(await resolveConsul({ from: 'embedded' }));
    try {
      expect(consul.source).toBe('embedded');
      await expect(probeConsul(consul.url)).resolves.toBeUndefined();
    } finally {
      await consul.stop();
    }
    await expect(probeConsul(consul.url)).rejects.toThrow();
  });

  it('has no embedded Redis, so Redis ends up unavailable with every reason', async () => {
    const r = await resolveRedis({ from: 'binary', env: noBinaries });
    expect(r).toEqual({ kind: 'redis', available: false, reason: 'no redis-server binary' });
  });
});

describe('resolution order', () => {
  it('falls through env, container and binary to embedded, recording why', async () => {
    const noRuntime = await containerRuntimeUnavailable();
    if (!noRuntime) return; // with a container runtime the container step would win; covered above
    const consul = running(await resolveConsul({ env: noBinaries }));
    try {
      expect(consul.source).toBe('embedded');
      expect(consul.passedOver).toEqual(['no TEST_CONSUL_URL', noRuntime, 'no consul binary']);
    } finally {
      await consul.stop();
    }
  });
});
