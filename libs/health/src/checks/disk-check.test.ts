import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { InvalidCheckOptionError } from '../errors/invalid-check-option-error';
import { diskCheck } from './disk-check';

const signal = new AbortController().signal;

/** Real statfs calls on a fresh temporary directory. */
describe('diskCheck', () => {
  let dir: string;
  beforeAll(() => (dir = mkdtempSync(join(tmpdir(), 'disk-check-'))));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('is non-critical and passes with enough space, reporting free and total bytes', async () => {
    const check = diskCheck({ path: dir, minFreeBytes: 1 });
    expect(check).toMatchObject({ name: 'disk', critical: false });
    const details = (await check.run(signal)) as Record<string, unknown>;
    expect(details).toMatchObject({ path: dir, minFreeBytes: 1 });
    expect(details.freeBytes).toBeGreaterThan(0);
    expect(details.totalBytes).toBeGreaterThanOrEqual(details.freeBytes as number);
  });

  it('fails when less than minFreeBytes is available', async () => {
    const check = diskCheck({ path: dir, minFreeBytes: 2 ** 50 }); // 1 PiB
    await expect(check.run(signal)).rejects.toThrow(/free on the file system of .+, below 1024\.0 TiB$/);
  });

  it('fails when the path cannot be read', async () => {
    await expect(diskCheck({ path: join(dir, 'missing'), minFreeBytes: 0 }).run(signal)).rejects.toThrow(/ENOENT/);
  });

  it('refuses a missing path or a negative minimum', () => {
    expect(() => diskCheck({ path: '', minFreeBytes: 0 })).toThrow(InvalidCheckOptionError);
    expect(() => diskCheck({ path: dir, minFreeBytes: -1 })).toThrow(InvalidCheckOptionError);
  });
});
