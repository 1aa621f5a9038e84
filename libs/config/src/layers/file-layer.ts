import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { parseDocument } from 'yaml';
import type { ConfigTree } from '../tree/config-tree';
import { isPlainObject, isSafeSegment, mergeTrees } from '../tree/config-tree';
import type { ConfigPathIssue } from './config-path-issue';
import { SHARED_SCOPE } from './kv-layout';

export interface FileLayerOptions {
  configDir: string;
  service: string;
  /** Usually NODE_ENV: development, production, test... */
  environment: string;
}

export interface FileLayer {
  tree: ConfigTree;
  /** The files that exist and were read, lowest first. */
  files: string[];
  issues: ConfigPathIssue[];
}

/** The files of one folder (`shared` or a service), lowest first: `default.yaml`, then `<environment>.yaml`. */
export function scopeFilePaths(configDir: string, scope: string, environment: string): string[] {
  const names = environment === 'default' ? ['default.yaml'] : ['default.yaml', `${environment}.yaml`];
  return names.map((name) => path.join(configDir, scope, name));
}

/**
 * The files a service reads, lowest first: the shared defaults, the shared environment file, the
 * service's defaults, the service's environment file. A missing file is simply skipped.
 */
export function configFilePaths(o: FileLayerOptions): string[] {
  return [SHARED_SCOPE, o.service].flatMap((scope) => scopeFilePaths(o.configDir, scope, o.environment));
}

/** Reads and merges the YAML files of one service. A file that does not parse is an issue, never a crash. */
export function readFileLayer(o: FileLayerOptions): Promise<FileLayer> {
  return readYamlFiles(configFilePaths(o), o.configDir);
}

/** Reads `files` in order (missing ones skipped) and merges each on top of the last. */
export async function readYamlFiles(files: readonly string[], configDir: string): Promise<FileLayer> {
  let tree: ConfigTree = {};
  const read: string[] = [];
  const issues: ConfigPathIssue[] = [];
  for (const file of files) {
    let text: string;
    try {
      text = await readFile(file, 'utf8');
    } catch (error) {
      if ((error as { code?: string }).code === 'ENOENT') continue;
      issues.push({
        path: relative(configDir, file),
        message: `cannot read (${(error as { code?: string }).code ?? 'error'})`,
      });
      continue;
    }
    read.push(file);
    const parsed = parseYamlTree(text);
    if ('issue' in parsed) issues.push({ path: relative(configDir, file), message: parsed.issue });
    else tree = mergeTrees(tree, parsed.tree);
  }
  return { tree, files: read, issues };
}

/**
 * One YAML document whose top level is a mapping (or empty). Errors name the place, never quote the
 * text: a configuration file may hold a value that must not reach a log.
 */
export function parseYamlTree(text: string): { tree: ConfigTree } | { issue: string } {
  const document = parseDocument(text, { prettyErrors: false, uniqueKeys: true });
  const error = document.errors[0];
  if (error) {
    const at = error.linePos?.[0];
    return { issue: `invalid YAML (${error.code})${at ? ` at line ${at.line}, column ${at.col}` : ''}` };
  }
  const value: unknown = document.toJS({ maxAliasCount: 100 });
  if (value === null || value === undefined) return { tree: {} };
  if (!isPlainObject(value)) return { issue: 'expected a mapping of settings at the top level' };
  const unsafe = findUnsafeKey(value);
  if (unsafe) return { issue: `key "${unsafe}" is not allowed` };
  return { tree: value };
}

function findUnsafeKey(tree: ConfigTree): string | undefined {
  for (const [key, value] of Object.entries(tree)) {
    if (!isSafeSegment(key)) return key;
    const nested = isPlainObject(value) ? findUnsafeKey(value) : undefined;
    if (nested) return nested;
  }
  return undefined;
}

function relative(configDir: string, file: string): string {
  return path.relative(configDir, file) || file;
}
