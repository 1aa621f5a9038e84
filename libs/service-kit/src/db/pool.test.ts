import { createTestDatabase, describeWithInfra, waitFor, type TestDatabase } from '@lab/testing';
import pg from 'pg';
import pino from 'pino';
import { createPool } from './pool';

/** A logger that keeps the message of every line it writes. */
function capturedLogger() {
  const messages: string[] = [];
  const logger = pino({ level: 'info' }, { write: (line: string) => void messages.push(JSON.parse(line).msg) });
  return { logger, messages: () => messages };
}

describeWithInfra(['postgres'], 'createPool when the server ends a connection', () => {
  let database: TestDatabase;
  let pool: pg.Pool;
  let logs: ReturnType<typeof capturedLogger>;

  beforeAll(async () => {
    database = await createTestDatabase();
  });
  afterAll(() => database.drop());
  beforeEach(() => {
    logs = capturedLogger();
    pool = createPool({ connectionString: database.url, max: 2, statementTimeoutMs: 0 }, logs.logger);
  });
  afterEach(() => pool.end());

  /** What an administrator (or a failover) does to one session: the server ends it. */
  async function terminate(pid: number): Promise<void> {
    const admin = new pg.Client({ connectionString: database.url });
    await admin.connect();
    try {
      await admin.query('SELECT pg_terminate_backend($1)', [pid]);
    } finally {
      await admin.end();
    }
  }
  const backendPid = async (client: pg.ClientBase | pg.Pool) =>
    (await client.query<{ pid: number }>('SELECT pg_backend_pid() AS pid')).rows[0].pid;

  it('survives it while a client is checked out: its holder gets the error, the pool a new connection', async () => {
    const client = await pool.connect();
    const pid = await backendPid(client);
    // Between two queries of its holder, as in a transaction waiting for another service: with
    // nothing listening, the error the server sends now would end the process.
    await terminate(pid);
    await waitFor(() => logs.messages().includes('database connection in use failed'), {
      description: 'the checked-out client to see its session ended',
    });
    await expect(client.query('SELECT 1')).rejects.toThrow();
    client.release();

    expect(await backendPid(pool)).not.toBe(pid);
    expect(pool.totalCount).toBe(1);
    expect(logs.messages()).not.toContain('idle database client failed');
  });

  it('drops an idle client it ended, logging it once, and connects again', async () => {
    const pid = await backendPid(pool);
    expect(pool.idleCount).toBe(1);
    await terminate(pid);
    await waitFor(() => pool.totalCount === 0, { description: 'the pool to drop the ended client' });
    expect(logs.messages()).toEqual(['idle database client failed']);

    expect(await backendPid(pool)).not.toBe(pid);
  });
});
