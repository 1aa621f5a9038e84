import { accessSync, constants, readdirSync } from 'node:fs';
import path from 'node:path';

/** Directories on PATH, in order. */
export function pathDirectories(env: Readonly<Record<string, string | undefined>> = process.env): string[] {
  return (env.PATH ?? '').split(path.delimiter).filter(Boolean);
}

export function isExecutable(file: string): boolean {
  try {
    accessSync(file, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** The first directory that holds every one of `names` as an executable, so they come from one install. */
export function findBinaryDirectory(names: readonly string[], directories: readonly string[]): string | undefined {
  return directories.find((dir) => names.every((name) => isExecutable(path.join(dir, name))));
}

/** Debian and Ubuntu keep Postgres off PATH, under /usr/lib/postgresql/<major>/bin; newest first. */
export function postgresqlLibDirectories(root = '/usr/lib/postgresql'): string[] {
  let versions: string[];
  try {
    versions = readdirSync(root);
  } catch {
    return [];
  }
  return versions
    .filter((v) => /^\d+(\.\d+)?$/.test(v))
    .sort((a, b) => Number(b) - Number(a))
    .map((v) => path.join(root, v, 'bin'));
}
