import { MemoryRegistry } from '@lab/discovery';
import { defineService, startService, type Migration, type RunningService } from '../src';
import pg from 'pg';
import { captureLogs, quietLogger, testEnv } from './support/example-service';
import { createTestDatabase, describeWithInfra, freePort, TcpProxy, waitFor } from '@lab/testing';

let migrationRuns: string[] = [];

function slowly<T>(ms: number, value: T): Promise<T> {
  return new Promise((resolve) => setTimeout(() => resolve(value), ms));
}

const migrations: Migration[] = [
  {
    name: '001-notes',
    async up(db) {
      migrationRuns.push('001-notes');
      await db.query('CREATE TABLE notes (id serial PRIMARY KEY, body text NOT NULL)');
      // Long enough that a second replica starting alongside would race without the lock.
      await slowly(150, undefined);
    },
  },
  {
    name: '002-notes-author',
    async up(db) {
      migrationRuns.push('002-notes-author');
      await db.query("ALTER TABLE notes ADD COLUMN author text NOT NULL DEFAULT 'anonymous'");
    },
  },
];

const notesService = defineService({
  name: 'notes-service',
  defaultPort: 3998,
  database: { migrations },
  routes(ctx) {
    ctx.app.get('/notes/count', async (_req, res) => {
      const { rows } = await ctx.db.query<{ count: string }>('SELECT count(*) FROM notes');
      res.json({ count: Number(rows[0].count) });
    });
  },
});

function start(env: Record<string, string | undefined>, registry = new MemoryRegistry()): Promise<RunningService> {
  return startService(notesService, { env: testEnv(env), registry, logger: quietLogger });
}

beforeEach(() => {
  migrationRuns = [];
});

describeWithInfra(['postgres'], 'database with DATABASE_URL', () => {
  let database: Awaited<ReturnType<typeof createTestDatabase>>;

  beforeEach(async () => {
    database = await createTestDatabase();
  });
  afterEach(async () => {
    await database.drop();
  });

  it('runs each migration once when two replicas start on one database at the same time', async () => {
    const registry = new MemoryRegistry();
    const replicas = await Promise.all([
      start({ DATABASE_URL: database.url }, registry),
      start({ DATABASE_URL: database.url }, registry),
    ]);
    try {
      expect(migrationRuns).toEqual(['001-notes', '002-notes-author']);
      const { rows } = await replicas[0].ctx.db.query<{ name: string }>(
        'SELECT name FROM schema_migrations ORDER BY name',
      );
      expect(rows.map((r) => r.name)).toEqual(['001-notes', '002-notes-author']);
      expect(await registry.healthyInstances('notes-service')).toHaveLength(2);
      for (const replica of replicas) {
        expect((await fetch(`${replica.url}/health/startup`)).status).toBe(200);
        expect(await (await fetch(`${replica.url}/notes/count`)).json()).toEqual({ count: 0 });
      }
    } finally {
      await Promise.all(replicas.map((r) => r.stop()));
    }
  });

  it('applies only new migrations on the next start', async () => {
    const first = await start({ DATABASE_URL: database.url });
    await first.stop();
    migrationRuns = [];
    const second = await start({ DATABASE_URL: database.url });
    await second.stop();
    expect(migrationRuns).toEqual([]);
  });

  it('rolls a failed migration back, records nothing of it, and fails the start', async () => {
    const broken = defineService({
      name: 'broken-service',
      defaultPort: 3997,
      database: {
        migrations: [
          migrations[0],
          {
            name: '002-broken',
            async up(db) {
              await db.query('CREATE TABLE half_done (id int)');
              await db.query('SELECT * FROM no_such_table');
            },
          },
        ],
      },
      routes() {},
    });
    await expect(
      startService(broken, {
        env: testEnv({ DATABASE_URL: database.url }),
        registry: new MemoryRegistry(),
        logger: quietLogger,
      }),
    ).rejects.toMatchObject({ code: 'MIGRATION_FAILED', message: expect.stringContaining('002-broken') });

    const service = await start({ DATABASE_URL: database.url });
    try {
      const { rows } = await service.ctx.db.query<{ name: string }>('SELECT name FROM schema_migrations ORDER BY name');
      expect(rows.map((r) => r.name)).toEqual(['001-notes', '002-notes-author']);
      const { rows: tables } = await service.ctx.db.query("SELECT 1 FROM pg_tables WHERE tablename = 'half_done'");
      expect(tables).toEqual([]);
    } finally {
      await service.stop();
    }
  });

  it('survives the server dropping its idle connections, logging it', async () => {
    const logs = captureLogs();
    const service = await startService(notesService, {
      env: testEnv({ DATABASE_URL: database.url }),
      registry: new MemoryRegistry(),
      logger: logs.logger,
    });
    try {
      expect((await fetch(`${service.url}/notes/count`)).status).toBe(200);
      // Only idle connections: none lent out to a background readiness check at this moment.
      const pool = service.ctx.db;
      await waitFor(() => pool.idleCount === pool.totalCount, { description: 'every connection idle' });
      const admin = new pg.Client({ connectionString: database.url });
      await admin.connect();
      const { rowCount: ended } = await admin.query(
        'SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()',
      );
      await admin.end();
      // pg_terminate_backend only signals. Each backend ends, and the pool hears of it, in its own
      // time: under load one long after another. Until the pool has heard of every one, the next
      // request may still be handed a connection the server has closed.
      const dropped = () =>
        logs
          .lines()
          .filter((l) => l.msg === 'idle database client failed' || l.msg === 'database connection in use failed');
      await waitFor(() => dropped().length === ended, { description: `the pool to drop all ${ended} connections` });
      expect(dropped()).toContainEqual(
        expect.objectContaining({ msg: 'idle database client failed', err: expect.any(Object) }),
      );
      expect(await (await fetch(`${service.url}/notes/count`)).json()).toEqual({ count: 0 });
    } finally {
      await service.stop();
    }
  });

  it('reports the database in readiness and detailed health', async () => {
    const service = await start({ DATABASE_URL: database.url });
    try {
      const ready = (await (await fetch(`${service.url}/health/ready`)).json()) as { checks: Record<string, unknown> };
      expect(ready.checks.postgres).toEqual({ status: 'pass', critical: true });
      const detailed = (await (await fetch(`${service.url}/health/detailed`)).json()) as Record<string, unknown>;
      expect(detailed.database).toEqual({ source: 'url', migrations: ['001-notes', '002-notes-author'] });
    } finally {
      await service.stop();
    }
  });
});

describeWithInfra(['postgres'], 'the first database connection', () => {
  let database: Awaited<ReturnType<typeof createTestDatabase>>;
  beforeEach(async () => {
    database = await createTestDatabase();
  });
  afterEach(async () => {
    await database.drop();
  });

  it('is tried until the database answers, while the probes say "starting" and routes answer 503', async () => {
    // The database appears only once this proxy opens, as Postgres does after the app's pod started.
    const target = new URL(database.url);
    const proxy = new TcpProxy({ host: target.hostname, port: Number(target.port || 5432) });
    proxy.port = await freePort();
    const late = new URL(database.url);
    late.host = `127.0.0.1:${proxy.port}`;
    const port = await freePort();
    const logs = captureLogs('warn');
    const starting = startService(notesService, {
      env: testEnv({ PORT: String(port), DATABASE_URL: late.toString(), DATABASE_STARTUP_TIMEOUT: '30s' }),
      registry: new MemoryRegistry(),
      logger: logs.logger,
    });
    const base = `http://127.0.0.1:${port}`;
    try {
      await waitFor(() => logs.lines().some((l) => l.msg === 'database not reachable yet; start-up keeps trying'), {
        timeoutMs: 5000,
        description: 'a failed first attempt',
      });
      const startup = await fetch(`${base}/health/startup`);
      expect(startup.status).toBe(503);
      expect(await startup.json()).toEqual({ status: 'fail', reason: 'starting', pending: ['database', 'migrations'] });
      expect((await fetch(`${base}/health/live`)).status).toBe(200);
      expect((await fetch(`${base}/health/ready`)).status).toBe(503);
      const early = await fetch(`${base}/notes/count`);
      expect(early.status).toBe(503);
      expect(early.headers.get('content-type')).toMatch(/^application\/problem\+json/);
      expect(early.headers.get('retry-after')).toBe('1');
      expect(await early.json()).toMatchObject({ status: 503, detail: 'notes-service is starting' });

      await proxy.start();
      const service = await starting;
      try {
        expect((await fetch(`${base}/health/startup`)).status).toBe(200);
        expect(await (await fetch(`${base}/notes/count`)).json()).toEqual({ count: 0 });
        expect(migrationRuns).toEqual(['001-notes', '002-notes-author']);
        expect(logs.lines().find((l) => l.msg === 'database not reachable yet; start-up keeps trying')).toMatchObject({
          attempt: 1,
          err: expect.objectContaining({ message: expect.stringContaining('ECONNREFUSED') }),
        });
      } finally {
        await service.stop();
      }
    } finally {
      await starting.catch(() => undefined);
      await proxy.cut();
    }
  });

  it('gives up after DATABASE_STARTUP_TIMEOUT, saying so, and frees its port', async () => {
    const port = await freePort();
    const begun = Date.now();
    await expect(
      startService(notesService, {
        env: testEnv({
          PORT: String(port),
          DATABASE_URL: `postgres://app:pw@127.0.0.1:${await freePort()}/app`,
          DATABASE_STARTUP_TIMEOUT: '600ms',
        }),
        registry: new MemoryRegistry(),
        logger: quietLogger,
      }),
    ).rejects.toMatchObject({
      code: 'DATABASE_UNREACHABLE',
      message: expect.stringMatching(
        /^no connection to the database within DATABASE_STARTUP_TIMEOUT \(600 ms\): .*ECONNREFUSED/,
      ),
    });
    expect(Date.now() - begun).toBeGreaterThanOrEqual(600);
    await expect(fetch(`http://127.0.0.1:${port}/health/live`)).rejects.toThrow();
    expect(migrationRuns).toEqual([]);
  });

  it('fails at once on an error that waiting cannot mend (a database that does not exist)', async () => {
    const missing = new URL(database.url);
    missing.pathname = '/no_such_database_here';
    await expect(
      startService(notesService, {
        env: testEnv({ DATABASE_URL: missing.toString(), DATABASE_STARTUP_TIMEOUT: '30s' }),
        registry: new MemoryRegistry(),
        logger: quietLogger,
      }),
    ).rejects.toMatchObject({ code: '3D000' });
  });

  it('stops waiting when the start is abandoned', async () => {
    const abandon = new AbortController();
    const starting = startService(notesService, {
      env: testEnv({ DATABASE_URL: `postgres://app:pw@127.0.0.1:${await freePort()}/app` }),
      registry: new MemoryRegistry(),
      logger: quietLogger,
      signal: abandon.signal,
    });
    setTimeout(() => abandon.abort(new Error('SIGTERM while starting')), 300);
    await expect(starting).rejects.toThrow('SIGTERM while starting');
  });
});

describe('database without DATABASE_URL', () => {
  it('starts an embedded Postgres outside production', async () => {
    const service = await start({});
    try {
      expect(migrationRuns).toEqual(['001-notes', '002-notes-author']);
      expect(await (await fetch(`${service.url}/notes/count`)).json()).toEqual({ count: 0 });
      const detailed = (await (await fetch(`${service.url}/health/detailed`)).json()) as {
        database: { source: string };
      };
      expect(detailed.database.source).toBe('embedded');
    } finally {
      await service.stop();
    }
  });

  it('is a configuration error in production', async () => {
    await expect(start({ NODE_ENV: 'production' })).rejects.toMatchObject({
      code: 'CONFIG_INVALID',
      issues: [{ variable: 'DATABASE_URL', message: expect.any(String) }],
    });
  });
});

describe('ctx.db without a database', () => {
  it('throws a clear error', async () => {
    const registry = new MemoryRegistry();
    const plain = defineService({ name: 'plain-service', defaultPort: 3996, routes() {} });
    const service = await startService(plain, { env: testEnv(), registry, logger: quietLogger });
    try {
      expect(() => service.ctx.db).toThrow(/no database/);
    } finally {
      await service.stop();
    }
  });
});
