import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';

/** A course folder such as labs/01-consul-registration or exercises/02-circuit-breaker-tests. */
export interface NumberedFolder {
  number: number;
  /** e.g. "01-consul-registration" */
  name: string;
  dir: string;
}

/** The `NN-name` folders of `parent` that hold every one of `required`, by number. */
export function listNumberedFolders(parent: string, required: string[]): NumberedFolder[] {
  if (!existsSync(parent)) return [];
  return readdirSync(parent, { withFileTypes: true })
    .filter((entry) => entry.isDirectory() && /^\d{2}-/.test(entry.name))
    .map((entry) => ({ number: Number(entry.name.slice(0, 2)), name: entry.name, dir: path.join(parent, entry.name) }))
    .filter((folder) => required.every((file) => existsSync(path.join(folder.dir, file))))
    .sort((a, b) => a.number - b.number);
}

/** The folder numbered `number`, or an error naming the numbers there are. */
export function findNumberedFolder<F extends NumberedFolder>(
  folders: F[],
  number: number,
  what: string,
  fail: (message: string) => Error,
): F {
  const found = folders.find((f) => f.number === number);
  if (!found) {
    throw fail(`there is no ${what} ${number} (${what}s: ${folders.map((f) => f.number).join(', ') || 'none'})`);
  }
  return found;
}
