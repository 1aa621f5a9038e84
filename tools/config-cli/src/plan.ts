import { readdir } from 'node:fs/promises';
import path from 'node:path';
import { UsageError } from '@lab/common';
import type { KvSource } from '@lab/config';
import {
  kvPrefix,
  parseValue,
  readYamlFiles,
  sameJson,
  scopeFilePaths,
  SHARED_SCOPE,
  treeToKvEntries,
} from '@lab/config';

/** One KV key compared with the files: missing from KV, different, only in KV, or the same. */
export interface KeyComparison {
  key: string;
  state: 'missing' | 'different' | 'extra' | 'same';
  file?: string;
  kv?: string;
}

/** The folders of config/ to work on: the one asked for, or all of them (shared first). */
export async function scopesToVisit(configDir: string, service: string | undefined): Promise<string[]> {
  if (service) return [service];
  let names: string[];
  try {
    names = (await readdir(configDir, { withFileTypes: true })).filter((d) => d.isDirectory()).map((d) => d.name);
  } catch {
    throw new UsageError(`config directory ${configDir} cannot be read (set CONFIG_DIR or --config-dir)`);
  }
  return names.sort((a, b) => Number(b === SHARED_SCOPE) - Number(a === SHARED_SCOPE) || a.localeCompare(b));
}

/** The KV entries one folder's files describe for `environment`, by full key. */
export async function desiredEntries(
  configDir: string,
  scope: string,
  environment: string,
): Promise<Map<string, string>> {
  const files = scopeFilePaths(configDir, scope, environment);
  const layer = await readYamlFiles(files, configDir);
  if (layer.issues.length > 0) throw new UsageError(layer.issues.map((i) => `${i.path}: ${i.message}`).join('\n'));
  if (layer.files.length === 0)
    throw new UsageError(`no ${files.map((f) => path.relative(configDir, f)).join(' or ')} in ${configDir}`);
  const prefix = kvPrefix(scope);
  return new Map([...treeToKvEntries(layer.tree)].map(([key, value]) => [`${prefix}${key}`, value]));
}

/**
 * Every key of one folder, compared between the files and the KV store. Values are compared as
 * values, so `{"enabled":true}` and `{ "enabled": true }` are the same.
 */
export async function compareScope(
  kv: KvSource,
  configDir: string,
  scope: string,
  environment: string,
): Promise<KeyComparison[]> {
  const wanted = await desiredEntries(configDir, scope, environment);
  const stored = await kv.list(kvPrefix(scope));
  const result: KeyComparison[] = [];
  for (const [key, file] of wanted) {
    const current = stored.get(key);
    if (current === undefined) result.push({ key, state: 'missing', file });
    else
      result.push({
        key,
        state: sameJson(parseValue(file), parseValue(current)) ? 'same' : 'different',
        file,
        kv: current,
      });
  }
  for (const [key, current] of stored) if (!wanted.has(key)) result.push({ key, state: 'extra', kv: current });
  return result.sort((a, b) => a.key.localeCompare(b.key));
}
