import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Client } from 'pg';
import { startEmbeddedPostgres } from '../src';
import { InitdbSnapshotCache } from '../src/snapshot-cache';

describe('initdb snapshot cache', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'embedded-pg-cache-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  async function tablesIn(url: string): Promise<number> {
    const client = new Client(url);
    await client.connect();
    try {
      const { rows } = await client.query("SELECT count(*)::int AS n FROM pg_tables WHERE schemaname = 'public'");
      return rows[0].n;
    } finally {
      await client.end();
    }
  }

  it('saves a copy of a fresh data directory, and later databases start from it empty', async () => {
    const cache = InitdbSnapshotCache.forInstalledPglite(dir);
    const first = await startEmbeddedPostgres({ snapshotCache: dir });
    const client = new Client(first.url);
    await client.connect();
    await client.query('CREATE TABLE written_after_snapshot (x int)');
    await client.end();
    await first.close();
    expect(statSync(cache.file).size).toBeGreaterThan(1_000_000);

    const second = await startEmbeddedPostgres({ snapshotCache: dir });
    try {
      await expect(tablesIn(second.url)).resolves.toBe(0);
    } finally {
      await second.close();
    }
  });

  it('replaces a snapshot PGlite cannot load and still starts', async () => {
    const cache = InitdbSnapshotCache.forInstalledPglite(dir);
    writeFileSync(cache.file, 'not a tarball');
    const warnings: object[] = [];
    const logger = { debug() {}, info() {}, error() {}, warn: (o: object) => warnings.push(o) };
    const db = await startEmbeddedPostgres({ snapshotCache: dir, logger });
    try {
      await expect(tablesIn(db.url)).resolves.toBe(0);
      expect(warnings).toEqual([{ file: cache.file }]);
      expect(statSync(cache.file).size).toBeGreaterThan(1_000_000);
    } finally {
      await db.close();
    }
  });
});
