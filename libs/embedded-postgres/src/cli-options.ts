import { parseCommandLine, UsageError } from '@lab/common';
import type { EmbeddedPostgresOptions } from './embedded-postgres';
import { DEFAULT_MAX_CONNECTIONS } from './embedded-postgres';

export const usage =
  'usage: embedded-postgres [--port N (0 = free port, default 5432)] [--host H (default 127.0.0.1)]\n' +
  `                         [--data-dir DIR (default: in memory)] [--max-connections N (default ${DEFAULT_MAX_CONNECTIONS})]`;

/** Turns argv into startEmbeddedPostgres options; throws UsageError naming the bad flag. */
export function parseCliOptions(argv: readonly string[]): EmbeddedPostgresOptions {
  const { values } = parseCommandLine(argv, {
    allowPositionals: false,
    options: {
      port: { type: 'string' },
      host: { type: 'string' },
      'data-dir': { type: 'string' },
      'max-connections': { type: 'string' },
    },
  });
  return {
    port: integerFlag('--port', values.port ?? '5432', 0, 65535),
    host: nonEmptyFlag('--host', values.host ?? '127.0.0.1'),
    dataDir: values['data-dir'] === undefined ? undefined : nonEmptyFlag('--data-dir', values['data-dir']),
    maxConnections: integerFlag(
      '--max-connections',
      values['max-connections'] ?? String(DEFAULT_MAX_CONNECTIONS),
      1,
      1000,
    ),
  };
}

function integerFlag(flag: string, raw: string, min: number, max: number): number {
  const value = Number(raw);
  if (!/^\d+$/.test(raw) || value < min || value > max) {
    throw new UsageError(`${flag} must be an integer from ${min} to ${max}, got "${raw}"`);
  }
  return value;
}

function nonEmptyFlag(flag: string, raw: string): string {
  if (raw.trim() === '') throw new UsageError(`${flag} must not be empty`);
  return raw;
}
