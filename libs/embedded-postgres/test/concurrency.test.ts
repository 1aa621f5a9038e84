import { once } from 'node:events';
import { connect } from 'node:net';
import { Client, Pool, Query } from 'pg';
import type { EmbeddedPostgres } from '../src';
import { startEmbeddedPostgres } from '../src';

// PGlite is one Postgres session. These tests hold the server to what a real one promises to several
// connections at once: an extended-protocol query (Parse, Bind, Execute, Sync) is never cut by
// another connection's messages, a transaction sees only its own statements, and a client that
// vanishes mid-transaction leaves nothing behind.
describe('embedded postgres under concurrent connections', () => {
  let db: EmbeddedPostgres;
  beforeAll(async () => {
    db = await startEmbeddedPostgres({ port: 0 });
  });
  afterAll(() => db.close());

  const pools = (count: number, max: number): Pool[] =>
    Array.from({ length: count }, () => new Pool({ connectionString: db.url, max }));
  const endAll = (list: Pool[]): Promise<void[]> => Promise.all(list.map((p) => p.end()));

  it('keeps each parameterised query whole while other connections send theirs', async () => {
    const [a, b] = pools(2, 4);
    try {
      // Different parameter counts: a Bind that lands on another connection's Parse fails loudly. The
      // long text parameter makes a query arrive in several TCP chunks, so the server sees its Parse
      // before its Bind, with other connections' messages in between.
      const filler = 'x'.repeat(256 * 1024);
      const expected = (i: number): unknown[] => [
        filler.length + i,
        ...Array.from({ length: i % 4 }, (__, k) => i * 10 + k),
      ];
      const queries = Array.from({ length: 200 }, (_, i) => {
        const ints = expected(i).slice(1);
        const columns = ints.map((__, k) => `$${k + 2}::int AS c${k}`);
        const sql = `SELECT length($1::text) + ${i} AS len${columns.map((c) => `, ${c}`).join('')}`;
        return (i % 2 ? a : b).query(sql, [filler, ...ints]).then((r) => Object.values(r.rows[0]));
      });
      const results = await Promise.all(queries);
      results.forEach((row, i) => expect(row).toEqual(expected(i)));
    } finally {
      await endAll([a, b]);
    }
  });

  it('gives 4 pools x 25 connections correct answers to a mix of queries and transfers for seconds', async () => {
    const list = pools(4, 25);
    const setup = list[0];
    const accounts = 20;
    const initial = 1000;
    try {
      await setup.query('CREATE TABLE ledger (id int PRIMARY KEY, balance int NOT NULL)');
      await setup.query('INSERT INTO ledger SELECT g, $1 FROM generate_series(1, $2) g', [initial, accounts]);

      let transfers = 0;
      let reads = 0;
      const deadline = Date.now() + 3000;
      const worker = async (pool: Pool, seed: number): Promise<void> => {
        let n = seed;
        while (Date.now() < deadline) {
          n = (n * 1103515245 + 12345) % 2 ** 31;
          const from = (n % accounts) + 1;
          const to = ((n >> 8) % accounts) + 1;
          if (n % 3 === 0) {
            // A read whose answer depends on its own parameters only.
            const { rows } = await pool.query<{ echo: string; width: number }>(
              'SELECT $1::text AS echo, length($1::text) AS width',
              [`r${n}`],
            );
            expect(rows[0]).toEqual({ echo: `r${n}`, width: `r${n}`.length });
            reads++;
            continue;
          }
          const client = await pool.connect();
          try {
            await client.query('BEGIN');
            const { rows } = await client.query<{ balance: number }>(
              'SELECT balance FROM ledger WHERE id = $1 FOR UPDATE',
              [from],
            );
            const amount = Math.min(rows[0].balance, (n % 7) + 1);
            await client.query('UPDATE ledger SET balance = balance - $2 WHERE id = $1', [from, amount]);
            await client.query('UPDATE ledger SET balance = balance + $2 WHERE id = $1 AND $3::int >= 0', [
              to,
              amount,
              from,
            ]);
            await client.query('COMMIT');
            transfers++;
          } catch (error) {
            await client.query('ROLLBACK').catch(() => undefined);
            throw error;
          } finally {
            client.release();
          }
        }
      };
      await Promise.all(list.flatMap((pool, p) => Array.from({ length: 25 }, (_, c) => worker(pool, p * 100 + c + 1))));

      const { rows } = await setup.query<{ total: number; negative: number }>(
        'SELECT sum(balance)::int AS total, count(*) FILTER (WHERE balance < 0)::int AS negative FROM ledger',
      );
      expect(rows[0]).toEqual({ total: accounts * initial, negative: 0 });
      expect(transfers).toBeGreaterThan(100);
      expect(reads).toBeGreaterThan(50);
    } finally {
      await endAll(list);
    }
  }, 20_000);

  it('serialises SELECT ... FOR UPDATE read-modify-write transactions: no update is lost', async () => {
    const pool = new Pool({ connectionString: db.url, max: 20 });
    try {
      await pool.query('CREATE TABLE counter (id int PRIMARY KEY, n int NOT NULL); INSERT INTO counter VALUES (1, 0)');
      const increment = async (): Promise<void> => {
        const client = await pool.connect();
        try {
          await client.query('BEGIN');
          const { rows } = await client.query<{ n: number }>('SELECT n FROM counter WHERE id = $1 FOR UPDATE', [1]);
          await client.query('UPDATE counter SET n = $2 WHERE id = $1', [1, rows[0].n + 1]);
          await client.query('COMMIT');
        } finally {
          client.release();
        }
      };
      await Promise.all(Array.from({ length: 60 }, increment));
      const { rows } = await pool.query('SELECT n FROM counter');
      expect(rows[0].n).toBe(60);
    } finally {
      await pool.end();
    }
  });

  /** A client that will drop its connection mid-work, and another one that watches what it left. */
  async function quitterAndWitness(table: string): Promise<{ quitter: Client; other: Client }> {
    const quitter = new Client(db.url);
    const other = new Client(db.url);
    quitter.on('error', () => undefined);
    await Promise.all([quitter.connect(), other.connect()]);
    await other.query(`CREATE TABLE ${table} (x int)`);
    return { quitter, other };
  }

  it('rolls back the open transaction of a client that disconnects, and lets the others go on', async () => {
    const { quitter, other } = await quitterAndWitness('abandoned');
    try {
      await quitter.query('BEGIN');
      await quitter.query('INSERT INTO abandoned VALUES (1)');
      const count = other.query('SELECT count(*)::int AS count FROM abandoned'); // waits for the transaction
      destroySocket(quitter);
      await expect(count).resolves.toMatchObject({ rows: [{ count: 0 }] });
    } finally {
      await other.end();
    }
  });

  it('aborts, not commits, an unfinished extended-protocol batch of a client that disconnects', async () => {
    const { quitter, other } = await quitterAndWitness('half_done');
    try {
      // rows: 1 pages through the portal with Execute + Flush; the Sync never comes.
      const paged = quitter.query(
        pagedQuery('INSERT INTO half_done SELECT g FROM generate_series(1, 5) g RETURNING x', 1),
      );
      paged.on('error', () => undefined);
      await once(paged, 'row');
      destroySocket(quitter);
      await expect(other.query('SELECT count(*)::int AS count FROM half_done')).resolves.toMatchObject({
        rows: [{ count: 0 }],
      });
    } finally {
      await other.end();
    }
  });

  it('pages through a portal (Execute with a row limit, then Flush) while other connections wait their turn', async () => {
    const pool = new Pool({ connectionString: db.url, max: 4 });
    const pager = new Client(db.url);
    await pager.connect();
    try {
      const rows: number[] = [];
      const paged = pager.query(pagedQuery('SELECT g FROM generate_series(1, 10) g', 3));
      paged.on('row', (row: { g: number }) => rows.push(row.g));
      const others = Array.from({ length: 10 }, (_, i) => pool.query('SELECT $1::int + $2::int AS sum', [i, 1]));
      await once(paged, 'end');
      expect(rows).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
      expect((await Promise.all(others)).map((r) => r.rows[0].sum)).toEqual(
        Array.from({ length: 10 }, (_, i) => i + 1),
      );
    } finally {
      await pager.end();
      await pool.end();
    }
  });

  it('gives each connection its own named prepared statements, deallocated when it disconnects', async () => {
    const first = new Client(db.url);
    const second = new Client(db.url);
    await Promise.all([first.connect(), second.connect()]);
    // The same name for different statements on two connections, as on a real server.
    const [a, b] = await Promise.all([
      first.query({ name: 'lookup', text: 'SELECT $1::int AS v', values: [1] }),
      second.query({ name: 'lookup', text: 'SELECT $1::text || $2::text AS v', values: ['x', 'y'] }),
    ]);
    expect([a.rows[0].v, b.rows[0].v]).toEqual([1, 'xy']);
    await Promise.all([first.end(), second.end()]);

    // A new connection (a pool's next client) prepares the name afresh.
    const third = new Client(db.url);
    await third.connect();
    try {
      const c = await third.query({ name: 'lookup', text: 'SELECT $1::int * 2 AS v', values: [21] });
      expect(c.rows[0].v).toBe(42);
    } finally {
      await third.end();
    }
  });

  it("answers an SSLRequest with 'N' and closes on a CancelRequest without a reply", async () => {
    const ssl = connect(db.port, '127.0.0.1');
    ssl.write(untypedPacket(80877103));
    const [answer] = (await once(ssl, 'data')) as [Buffer];
    expect(answer.toString()).toBe('N');
    ssl.destroy();

    const cancel = connect(db.port, '127.0.0.1');
    const received: Buffer[] = [];
    cancel.on('data', (chunk: Buffer) => received.push(chunk));
    cancel.write(untypedPacket(80877102, Buffer.alloc(8)));
    await once(cancel, 'close');
    expect(Buffer.concat(received).length).toBe(0);
  });

  it('refuses a connection beyond maxConnections with Postgres\'s "too many clients" error', async () => {
    const small = await startEmbeddedPostgres({ maxConnections: 1 });
    const first = new Client(small.url);
    const second = new Client(small.url);
    try {
      await first.connect();
      await expect(second.connect()).rejects.toMatchObject({
        code: '53300',
        message: expect.stringMatching(/too many clients/),
      });
      await expect(first.query('SELECT 1 AS one')).resolves.toMatchObject({ rows: [{ one: 1 }] });
    } finally {
      await first.end();
      await small.close();
    }
  });
});

/**
 * A query that pages through its portal, `rows` at a time (Execute with a row limit, then Flush),
 * as pg-cursor does; pg's Query takes the option, its type declarations do not list it.
 */
function pagedQuery(text: string, rows: number): Query {
  return new Query({ text, rows } as ConstructorParameters<typeof Query>[0]);
}

/** A client whose TCP connection drops (process killed, network gone) rather than one that says goodbye. */
function destroySocket(client: Client): void {
  (client as unknown as { connection: { stream: { destroy(): void } } }).connection.stream.destroy();
}

function untypedPacket(code: number, body: Buffer = Buffer.alloc(0)): Buffer {
  const header = Buffer.alloc(8);
  header.writeInt32BE(8 + body.length, 0);
  header.writeInt32BE(code, 4);
  return Buffer.concat([header, body]);
}
