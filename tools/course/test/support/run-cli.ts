import { spawn } from 'node:child_process';
import path from 'node:path';

import { REPOSITORY_ROOT } from '../../src/repository-root';

export interface CliRun {
  code: number | null;
  /** stdout and stderr together, as a terminal shows them. */
  output: string;
}

/** Runs one of the built commands (`lab`, `exercise`) as `npm run <name> -- ...` would. */
export function runCli(
  name: 'lab' | 'exercise',
  args: string[],
  env: NodeJS.ProcessEnv = process.env,
  timeoutMs = 110_000,
): Promise<CliRun> {
  const script = path.join(REPOSITORY_ROOT, 'tools/course/dist', `${name}-main.js`);
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [script, ...args], { cwd: REPOSITORY_ROOT, env });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.once('error', reject);
    child.once('close', (code) => {
      clearTimeout(timer);
      resolve({ code, output });
    });
  });
}
