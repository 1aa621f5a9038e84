import { randomBytes } from 'node:crypto';
import { readFile, rename, rm, writeFile } from 'node:fs/promises';
import { readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

/**
 * A fresh PGlite database costs about two seconds of initdb; loading a copy of one that initdb just
 * produced costs a fraction of that. The copy lives in the temp dir, one per PGlite version, and is
 * written atomically so that concurrent processes never read half a file.
 */
export class InitdbSnapshotCache {
  constructor(readonly file: string) {}

  static forInstalledPglite(dir = tmpdir()): InitdbSnapshotCache {
    return new InitdbSnapshotCache(path.join(dir, `lab-embedded-postgres-${pgliteVersion()}.tar`));
  }

  /** The snapshot's bytes, or undefined when there is none yet. */
  async read(): Promise<ArrayBuffer | undefined> {
    try {
      const bytes = await readFile(this.file);
      return bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
    } catch {
      return undefined;
    }
  }

  async write(snapshot: ArrayBuffer): Promise<void> {
    const partial = `${this.file}.${randomBytes(4).toString('hex')}.partial`;
    try {
      await writeFile(partial, new Uint8Array(snapshot));
      await rename(partial, this.file);
    } catch {
      // A cache that cannot be written only costs the next start some time.
      await rm(partial, { force: true });
    }
  }

  /** Drops a snapshot PGlite could not load, so the next start makes a good one. */
  discard(): Promise<void> {
    return rm(this.file, { force: true });
  }
}

function pgliteVersion(): string {
  const entry = require.resolve('@electric-sql/pglite');
  const manifest = JSON.parse(readFileSync(path.join(path.dirname(entry), '..', 'package.json'), 'utf8'));
  return String(manifest.version);
}
