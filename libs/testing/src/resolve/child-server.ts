import type { ChildProcess, SpawnOptions } from 'node:child_process';
import { spawn } from 'node:child_process';
import { waitFor } from '@lab/common';

export interface ChildServer {
  child: ChildProcess;
  /** Sends `signal` (SIGTERM by default), then SIGKILL if the process outlives the grace period. */
  stop(signal?: NodeJS.Signals): Promise<void>;
}

const OUTPUT_TAIL_CHARS = 2_000;
const STOP_GRACE_MS = 5_000;

/**
 * Spawns a server process and waits until `ready()` succeeds. Fails early, quoting the end of its
 * output, when the process exits before it answers.
 */
export async function startChildServer(
  command: string,
  args: readonly string[],
  o: { ready: () => Promise<unknown>; timeoutMs: number; spawnOptions?: SpawnOptions },
): Promise<ChildServer> {
  const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'], ...o.spawnOptions });
  let output = '';
  const keepTail = (chunk: Buffer): void => {
    output = (output + chunk.toString()).slice(-OUTPUT_TAIL_CHARS);
  };
  child.stdout?.on('data', keepTail);
  child.stderr?.on('data', keepTail);
  let exited: string | undefined;
  const exitedEarly = new AbortController();
  const exitedPromise = new Promise<void>((resolve) => {
    const onEnd = (how: string): void => {
      exited ??= how;
      exitedEarly.abort(new Error(`${command} exited (${how}): ${lastLine(output)}`));
      resolve();
    };
    child.once('exit', (code, signal) => onEnd(signal ? `signal ${signal}` : `code ${code}`));
    child.once('error', (error) => onEnd(error.message));
  });

  const stop = async (signal: NodeJS.Signals = 'SIGTERM'): Promise<void> => {
    if (exited) return;
    child.kill(signal);
    const killer = setTimeout(() => child.kill('SIGKILL'), STOP_GRACE_MS);
    await exitedPromise;
    clearTimeout(killer);
  };

  try {
    await waitFor(async () => (await o.ready(), true), {
      timeoutMs: o.timeoutMs,
      intervalMs: 100,
      description: `${command} to answer`,
      signal: exitedEarly.signal,
    });
  } catch (error) {
    await stop('SIGKILL');
    throw error;
  }
  return { child, stop };
}

function lastLine(output: string): string {
  const lines = output.trim().split('\n');
  return lines[lines.length - 1] || '(no output)';
}
