import path from 'node:path';

/**
 * `<repository>/config`. This file sits one level below the package root both as source (src/) and
 * as build output (dist/), and the package sits two levels below the repository (libs/config).
 */
export function defaultConfigDir(): string {
  return path.resolve(__dirname, '..', '..', '..', 'config');
}
