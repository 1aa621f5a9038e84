import { UsageError } from '@lab/common';
import { kvPrefix } from '@lab/config';

/**
 * The full KV key for a key given relative to a service: `flags/bulk-discount` and
 * `flags.bulk-discount` both mean config/<service>/flags/bulk-discount.
 */
export function keyOf(scope: string, relative: string): string {
  const trimmed = relative.replace(/^\/+|\/+$/g, '');
  const segments = (trimmed.includes('/') ? trimmed.split('/') : trimmed.split('.')).map((s) => s.trim());
  if (segments.some((s) => s === '' || s === '.' || s === '..' || s === '__proto__')) {
    throw new UsageError(`"${relative}" is not a key (expected a/b/c or a.b.c)`);
  }
  return `${kvPrefix(scope)}${segments.join('/')}`;
}
