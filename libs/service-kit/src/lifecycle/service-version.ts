import { readFileSync } from 'node:fs';
import path from 'node:path';

/**
 * The version advertised in the registry's meta: SERVICE_VERSION when set, else the version in the
 * package.json nearest to the entry script (the app's own), else "0.0.0".
 */
export function serviceVersion(configured: string | undefined): string {
  if (configured) return configured;
  const entry = require.main?.filename;
  if (entry === undefined || entry.includes(`${path.sep}node_modules${path.sep}`)) return '0.0.0';
  for (let dir = path.dirname(entry), i = 0; i < 4; dir = path.dirname(dir), i++) {
    try {
      const version = (JSON.parse(readFileSync(path.join(dir, 'package.json'), 'utf8')) as { version?: unknown })
        .version;
      return typeof version === 'string' ? version : '0.0.0';
    } catch {
      // no package.json at this level; look one up
    }
  }
  return '0.0.0';
}
