import { chmodSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';

import { stackStateSchema, type StackState } from './stack-state';

/** The repository root, from this file in libs/stack-state/{src,dist}. */
const REPOSITORY_ROOT = path.resolve(__dirname, '../../..');

/** Where `npm start` keeps its state: DEV_STACK_STATE, else `.dev-stack/state.json` at the repository root (git-ignored). */
export function stackStatePath(env: NodeJS.ProcessEnv = process.env): string {
  return env.DEV_STACK_STATE || path.join(REPOSITORY_ROOT, '.dev-stack', 'state.json');
}

export class StackStateError extends Error {
  override readonly name = 'StackStateError';
}

/**
 * Writes the state atomically (a reader never sees half a file), readable by this user only: it
 * names the admin token's file and may hold the registry's token.
 */
export function writeStackState(file: string, state: StackState): void {
  const checked = stackStateSchema.parse(state);
  mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
  const partial = `${file}.${process.pid}.tmp`;
  writeFileSync(partial, `${JSON.stringify(checked, null, 2)}\n`, { mode: 0o600 });
  renameSync(partial, file);
}

/** Writes a secret beside the state (mode 0600) and returns its path. */
export function writeStackSecret(file: string, value: string): string {
  mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
  writeFileSync(file, `${value}\n`, { mode: 0o600 });
  chmodSync(file, 0o600);
  return file;
}

/** Removes the state, unless another stack has written its own there since (another `pid`). */
export function removeStackState(file: string, pid: number = process.pid): void {
  const current = readStateFile(file);
  if (current.kind === 'found' && current.state.pid !== pid) return;
  rmSync(file, { force: true });
}

export type StackStateLookup =
  | { kind: 'found'; file: string; state: StackState }
  | { kind: 'missing'; file: string }
  | { kind: 'stale'; file: string; state: StackState };

/**
 * The running stack's state: `missing` when there is no file, `stale` when the process that wrote it
 * is gone (a stack that was killed). A file that is not a stack state is an error naming the file.
 */
export function findStackState(env: NodeJS.ProcessEnv = process.env): StackStateLookup {
  const file = stackStatePath(env);
  const read = readStateFile(file);
  if (read.kind !== 'found') return read;
  return isAlive(read.state.pid) ? read : { kind: 'stale', file, state: read.state };
}

function readStateFile(file: string): StackStateLookup {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { kind: 'missing', file };
    throw new StackStateError(`cannot read the stack state ${file}: ${(error as Error).message}`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new StackStateError(`the stack state ${file} is not JSON: ${(error as Error).message}`);
  }
  const parsed = stackStateSchema.safeParse(json);
  if (!parsed.success) {
    const issues = parsed.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ');
    throw new StackStateError(`the stack state ${file} is not usable (${issues}); remove it and run npm start again`);
  }
  return { kind: 'found', file, state: parsed.data };
}

/** Whether a process runs: signal 0 checks without sending anything (EPERM: it runs as someone else). */
export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
