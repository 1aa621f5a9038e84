import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Client } from 'pg';
import { startEmbeddedPostgres } from '../src';

describe('startEmbeddedPostgres lifecycle', () => {
  it('stops accepting connections after close(), and close() may be called twice', async () => {
    const db = await startEmbeddedPostgres();
    await db.close();
    await db.close();
    const client = new Client(db.url);
    await expect(client.connect()).rejects.toThrow(/ECONNREFUSED/);
  });

  it('keeps data in dataDir across restarts', async () => {
    const dataDir = mkdtempSync(path.join(tmpdir(), 'embedded-pg-'));
    try {
      const first = await startEmbeddedPostgres({ dataDir });
      const writer = new Client(first.url);
      await writer.connect();
      await writer.query("CREATE TABLE kept (v text); INSERT INTO kept VALUES ('still here')");
      await writer.end();
      await first.close();

      const second = await startEmbeddedPostgres({ dataDir });
      const reader = new Client(second.url);
      await reader.connect();
      const { rows } = await reader.query('SELECT v FROM kept');
      await reader.end();
      await second.close();
      expect(rows).toEqual([{ v: 'still here' }]);
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  });

  it('rejects when the port is taken', async () => {
    const db = await startEmbeddedPostgres();
    try {
      await expect(startEmbeddedPostgres({ port: db.port })).rejects.toThrow(/EADDRINUSE/);
    } finally {
      await db.close();
    }
  });
});
