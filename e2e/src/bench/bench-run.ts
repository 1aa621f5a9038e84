import { spawn } from 'node:child_process';
import path from 'node:path';

import { ownStackEnv } from '../stack-env';
import { markdownTables, tableWithHeader, type MarkdownTable } from './bench-output';

export const REPOSITORY_ROOT = path.resolve(__dirname, '../../..');

export interface BenchRun {
  code: number | null;
  signal: NodeJS.Signals | null;
  /** The tables. */
  stdout: string;
  /** Progress, and why it failed. */
  stderr: string;
  timedOut: boolean;
}

/**
 * `node bench/<bench>/run.mjs ...args` from the built dist/ folders, as its README says to run it,
 * with this shell's servers (REDIS_URL, CONSUL_URL, ...) left out, since every benchmark starts its
 * own, and `env` added (the services a benchmark starts inherit it).
 * It runs in a process group of its own, so that whatever it started and left behind (it should
 * leave nothing) is stopped with it; past `timeoutMs` it gets SIGINT, its way to stop cleanly, then
 * SIGKILL.
 */
export function runBench(
  bench: string,
  args: readonly string[],
  timeoutMs: number,
  env: Readonly<Record<string, string>> = {},
): Promise<BenchRun> {
  const child = spawn(process.execPath, [path.join(REPOSITORY_ROOT, 'bench', bench, 'run.mjs'), ...args], {
    cwd: REPOSITORY_ROOT,
    env: { ...ownStackEnv(['CONSUL_TOKEN', 'CONSUL_HTTP_TOKEN']), ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  const group = child.pid;
  const signalGroup = (signal: NodeJS.Signals) => {
    try {
      if (group !== undefined) process.kill(-group, signal);
    } catch {
      // the group is gone already
    }
  };
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  let timedOut = false;
  let killer: NodeJS.Timeout | undefined;
  const timer = setTimeout(() => {
    timedOut = true;
    signalGroup('SIGINT');
    killer = setTimeout(() => signalGroup('SIGKILL'), 15_000);
  }, timeoutMs);
  return new Promise((resolve, reject) => {
    child.once('error', reject);
    // A leftover child holding the output pipes open would keep 'close' from coming.
    child.once('exit', () => signalGroup('SIGKILL'));
    child.once('close', (code, signal) => {
      clearTimeout(timer);
      clearTimeout(killer);
      resolve({ code, signal, stdout, stderr, timedOut });
    });
  });
}

/** What to show when a run went wrong: how it ended and the last lines it wrote to stderr. */
export function outcome(run: BenchRun): {
  code: number | null;
  signal: NodeJS.Signals | null;
  timedOut: boolean;
  stderrTail: string;
} {
  return {
    code: run.code,
    signal: run.signal,
    timedOut: run.timedOut,
    stderrTail: run.stderr.trimEnd().split('\n').slice(-15).join('\n'),
  };
}

/** The table `run` printed under exactly `header`; throws with what it printed instead. */
export function printedTable(run: BenchRun, header: readonly string[]): MarkdownTable {
  const table = tableWithHeader(markdownTables(run.stdout), header);
  if (table) return table;
  throw new Error(
    `no table "| ${header.join(' | ')} |" in what it printed:\n${run.stdout}\nstderr:\n${outcome(run).stderrTail}`,
  );
}
