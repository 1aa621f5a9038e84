import { existsSync, mkdirSync } from 'node:fs';
import path from 'node:path';

import { ManagedProcess } from './managed-process';

/**
 * The stack's child processes: the repository's built node scripts, each logging to its own file
 * under `.data/logs` (or to the console), remembered so that they can be stopped in groups.
 */
export class StackProcesses {
  readonly logDir: string;
  private readonly started: ManagedProcess[] = [];

  constructor(
    private readonly root: string,
    private readonly logs: 'files' | 'console' = 'files',
  ) {
    this.logDir = path.join(root, '.data', 'logs');
    mkdirSync(this.logDir, { recursive: true });
  }

  /** The path of a built entry point, or undefined when it has not been built. */
  built(relative: string): string | undefined {
    const file = path.join(this.root, relative);
    return existsSync(file) ? file : undefined;
  }

  /** The path of a built entry point, or an error that says to build first. */
  entry(relative: string): string {
    const file = this.built(relative);
    if (file === undefined) throw new Error(`${relative} is missing: run \`npm run build\` first`);
    return file;
  }

  /** Starts `node <script> <args>` as `name`. */
  spawn(name: string, script: string, args: string[], env: NodeJS.ProcessEnv): ManagedProcess {
    const output =
      this.logs === 'console' ? ({ console: true } as const) : { file: path.join(this.logDir, `${name}.log`) };
    const child = new ManagedProcess({ name, command: process.execPath, args: [script, ...args], env, output });
    this.started.push(child);
    return child;
  }

  /** Stops (SIGTERM, then SIGKILL) every process `which` picks, all at once. */
  async stop(which: (p: ManagedProcess) => boolean): Promise<void> {
    await Promise.all(this.started.filter(which).map((p) => p.stop()));
  }
}
