import { Client, Pool } from 'pg';
import type { EmbeddedPostgres } from '../src';
import { startEmbeddedPostgres } from '../src';

describe('startEmbeddedPostgres', () => {
  let db: EmbeddedPostgres;
  beforeAll(async () => {
    db = await startEmbeddedPostgres({ port: 0 });
  });
  afterAll(() => db.close());

  it('listens on the free port it reports and hands out a postgres:// URL', () => {
    expect(db.port).toBeGreaterThan(0);
    expect(db.url).toBe(`postgres://postgres@127.0.0.1:${db.port}/postgres?sslmode=disable`);
  });

  it('runs DDL and DML through pg, committing and rolling back transactions', async () => {
    const pool = new Pool({ connectionString: db.url, max: 3 });
    try {
      await pool.query('CREATE TABLE accounts (id int PRIMARY KEY, balance int NOT NULL)');
      await pool.query('INSERT INTO accounts VALUES ($1, $2), ($3, $4)', [1, 100, 2, 0]);

      const client = await pool.connect();
      try {
        await client.query('BEGIN');
        await client.query('UPDATE accounts SET balance = balance - 30 WHERE id = 1');
        await client.query('UPDATE accounts SET balance = balance + 30 WHERE id = 2');
        await client.query('COMMIT');
        await client.query('BEGIN');
        await client.query('DELETE FROM accounts');
        await client.query('ROLLBACK');
      } finally {
        client.release();
      }

      const { rows } = await pool.query('SELECT id, balance FROM accounts ORDER BY id');
      expect(rows).toEqual([
        { id: 1, balance: 70 },
        { id: 2, balance: 30 },
      ]);
    } finally {
      await pool.end();
    }
  });

  it('serves two pools at once (two replicas of a service) without mixing up their answers', async () => {
    const replicas = [new Pool({ connectionString: db.url, max: 4 }), new Pool({ connectionString: db.url, max: 4 })];
    try {
      await replicas[0].query('CREATE TABLE events (n int PRIMARY KEY)');
      const answers = await Promise.all(
        Array.from({ length: 100 }, (_, n) =>
          replicas[n % 2].query<{ n: number }>('INSERT INTO events VALUES ($1) RETURNING n', [n]),
        ),
      );
      expect(answers.map((r) => r.rows[0].n)).toEqual(Array.from({ length: 100 }, (_, n) => n));
      const { rows } = await replicas[1].query('SELECT count(*)::int AS count FROM events');
      expect(rows[0].count).toBe(100);
    } finally {
      await Promise.all(replicas.map((p) => p.end()));
    }
  });

  it('holds back other connections while one has a transaction open', async () => {
    const writer = new Client(db.url);
    const reader = new Client(db.url);
    await Promise.all([writer.connect(), reader.connect()]);
    try {
      await writer.query('CREATE TABLE pending (x int)');
      await writer.query('BEGIN');
      await writer.query('INSERT INTO pending VALUES (1)');
      let readerDone = false;
      const read = reader.query('SELECT count(*)::int AS count FROM pending').then((r) => {
        readerDone = true;
        return r.rows[0].count as number;
      });
      await new Promise((resolve) => setTimeout(resolve, 50));
      expect(readerDone).toBe(false);
      await writer.query('ROLLBACK');
      await expect(read).resolves.toBe(0);
    } finally {
      await Promise.all([writer.end(), reader.end()]);
    }
  });

  it('accepts pg_advisory_lock, but every connection shares one backend so the lock excludes no one', async () => {
    const first = new Client(db.url);
    const second = new Client(db.url);
    await Promise.all([first.connect(), second.connect()]);
    try {
      await first.query('SELECT pg_advisory_lock(1)');
      // On a real server this would be false. Migrations stay safe here only because the
      // server runs one transaction at a time (see the test above).
      const { rows } = await second.query('SELECT pg_try_advisory_lock(1) AS got');
      expect(rows[0].got).toBe(true);
      await first.query('SELECT pg_advisory_unlock(1)');
    } finally {
      await Promise.all([first.end(), second.end()]);
    }
  });

  it('accepts CREATE DATABASE, yet a connection to the new name still lands in the one database', async () => {
    const admin = new Client(db.url);
    await admin.connect();
    const other = new Client(db.url.replace('/postgres?', '/elsewhere?'));
    try {
      await admin.query('CREATE DATABASE elsewhere');
      await other.connect();
      const { rows } = await other.query('SELECT current_database() AS name');
      expect(rows[0].name).toBe('postgres');
    } finally {
      await Promise.all([admin.end(), other.end()]);
    }
  });
});
