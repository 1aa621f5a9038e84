import { InvalidCheckOptionError } from '../errors/invalid-check-option-error';
import { memoryCheck } from './memory-check';

const signal = new AbortController().signal;

/** Any size formatBytes may print: a busy test worker can pass 1 GiB of resident memory. */
const size = String.raw`[\d.]+ (B|KiB|MiB|GiB)`;

/** These run against this process's real memory, with limits no process can be under or over. */
describe('memoryCheck', () => {
  it('is non-critical and reports heap and resident memory against the limits', async () => {
    const check = memoryCheck();
    expect(check).toMatchObject({ name: 'memory', critical: false });
    const details = (await check.run(signal)) as Record<string, number>;
    expect(details.heapUsedBytes).toBeGreaterThan(0);
    expect(details.heapLimitBytes).toBeGreaterThan(details.heapUsedBytes);
    expect(details.heapUsedRatio).toBeCloseTo(details.heapUsedBytes / details.heapLimitBytes, 2);
    expect(details.rssBytes).toBeGreaterThan(0);
    expect(details.maxHeapUsedRatio).toBe(0.9);
    expect(details).not.toHaveProperty('maxRssBytes');
  });

  it('fails when the heap uses more of its limit than allowed', async () => {
    const check = memoryCheck({ maxHeapUsedRatio: 0.0001 });
    await expect(check.run(signal)).rejects.toThrow(
      new RegExp(`^heap ${size} is [\\d.]+% of its ${size} limit, above 0%$`),
    );
  });

  it('fails when resident memory exceeds maxRssBytes, and passes under a generous one', async () => {
    await expect(memoryCheck({ maxRssBytes: 1024 }).run(signal)).rejects.toThrow(
      new RegExp(`^resident memory ${size} exceeds 1\\.0 KiB$`),
    );
    await expect(memoryCheck({ maxRssBytes: 2 ** 50 }).run(signal)).resolves.toMatchObject({ maxRssBytes: 2 ** 50 });
  });

  it('refuses limits that could never be met', () => {
    expect(() => memoryCheck({ maxHeapUsedRatio: 0 })).toThrow(InvalidCheckOptionError);
    expect(() => memoryCheck({ maxHeapUsedRatio: 1.5 })).toThrow(InvalidCheckOptionError);
    expect(() => memoryCheck({ maxRssBytes: -1 })).toThrow(/maxRssBytes must be a positive number of bytes/);
  });
});
