import { statfs } from 'node:fs/promises';
import { InvalidCheckOptionError } from '../errors/invalid-check-option-error';
import type { HealthCheck } from '../types';
import { formatBytes } from './format-bytes';
import { defineCheck, type CheckOptions } from './options';

export interface DiskCheckOptions extends CheckOptions {
  /** Any path on the file system to watch: a data directory, a log volume. */
  path: string;
  /** Fail when less than this is available to the service. */
  minFreeBytes: number;
}

/**
 * Fails when the file system holding `path` runs low, or cannot be read at all. Counts the
 * space available to an unprivileged process, which is what the service can actually write.
 * Non-critical by default, as for memory; make it critical for a service that must write to serve.
 */
export function diskCheck(options: DiskCheckOptions): HealthCheck {
  const { path, minFreeBytes } = options;
  if (!path) throw new InvalidCheckOptionError('disk', 'path', 'must name a file or directory');
  if (!(minFreeBytes >= 0)) {
    throw new InvalidCheckOptionError(
      'disk',
      'minFreeBytes',
      `must be zero or a positive number of bytes, got ${minFreeBytes}`,
    );
  }

  return defineCheck({ name: 'disk', critical: false }, options, async () => {
    const stats = await statfs(path);
    const freeBytes = stats.bavail * stats.bsize;
    const totalBytes = stats.blocks * stats.bsize;
    if (freeBytes < minFreeBytes) {
      throw new Error(
        `${formatBytes(freeBytes)} free on the file system of ${path}, below ${formatBytes(minFreeBytes)}`,
      );
    }
    return { path, freeBytes, totalBytes, minFreeBytes };
  });
}
