import { getHeapStatistics } from 'node:v8';
import { InvalidCheckOptionError } from '../errors/invalid-check-option-error';
import type { HealthCheck } from '../types';
import { formatBytes } from './format-bytes';
import { defineCheck, type CheckOptions } from './options';

export interface MemoryCheckOptions extends CheckOptions {
  /** Fail when the JS heap uses more than this share of V8's heap limit. Default 0.9: past it,
   * garbage collection runs nearly back to back and an out-of-memory crash is close. */
  maxHeapUsedRatio?: number;
  /** Fail when the resident set exceeds this. No default: set it a little under the container's
   * memory limit so the service is flagged before the kernel kills it. */
  maxRssBytes?: number;
}

/**
 * Flags memory pressure before it becomes a crash. Non-critical by default: an instance short of
 * memory is worth an alert, but pulling it out of rotation only moves its load to the others.
 */
export function memoryCheck(options: MemoryCheckOptions = {}): HealthCheck {
  const maxHeapUsedRatio = options.maxHeapUsedRatio ?? 0.9;
  const { maxRssBytes } = options;
  if (!(maxHeapUsedRatio > 0 && maxHeapUsedRatio <= 1)) {
    throw new InvalidCheckOptionError(
      'memory',
      'maxHeapUsedRatio',
      `must be above 0 and at most 1, got ${maxHeapUsedRatio}`,
    );
  }
  if (maxRssBytes !== undefined && !(maxRssBytes > 0)) {
    throw new InvalidCheckOptionError(
      'memory',
      'maxRssBytes',
      `must be a positive number of bytes, got ${maxRssBytes}`,
    );
  }

  return defineCheck({ name: 'memory', critical: false }, options, async () => {
    const { heapUsed, rss } = process.memoryUsage();
    // The limit V8 enforces (--max-old-space-size or its default), not the heap allocated so far.
    const heapLimit = getHeapStatistics().heap_size_limit;
    const heapUsedRatio = Math.round((heapUsed / heapLimit) * 1000) / 1000;
    if (heapUsedRatio > maxHeapUsedRatio) {
      const used = `heap ${formatBytes(heapUsed)} is ${percent(heapUsedRatio)} of its ${formatBytes(heapLimit)} limit`;
      throw new Error(`${used}, above ${percent(maxHeapUsedRatio)}`);
    }
    if (maxRssBytes !== undefined && rss > maxRssBytes) {
      throw new Error(`resident memory ${formatBytes(rss)} exceeds ${formatBytes(maxRssBytes)}`);
    }
    return {
      heapUsedBytes: heapUsed,
      heapLimitBytes: heapLimit,
      heapUsedRatio,
      rssBytes: rss,
      maxHeapUsedRatio,
      ...(maxRssBytes !== undefined && { maxRssBytes }),
    };
  });
}

function percent(ratio: number): string {
  return `${Math.round(ratio * 1000) / 10}%`;
}
