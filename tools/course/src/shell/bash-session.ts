import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

export interface BashSessionOptions {
  cwd: string;
  env: NodeJS.ProcessEnv;
}

export interface CommandResult {
  /** stdout and stderr as they interleaved, as a terminal shows them. */
  output: string;
  /** Exit status of the block's last command ($?). */
  exitCode: number;
}

export class CommandTimeoutError extends Error {
  override readonly name = 'CommandTimeoutError';
  constructor(
    readonly timeoutMs: number,
    readonly output: string,
  ) {
    super(`did not finish within ${timeoutMs / 1000} s`);
  }
}

export class SessionClosedError extends Error {
  override readonly name = 'SessionClosedError';
}

/**
 * One long-lived `bash`, as a person's terminal: variables, the working directory and background
 * jobs carry from one command block to the next. Each block is sourced from a file (so `$!`, `cd`,
 * `export` and `&` act on this shell), followed by a marker line carrying `$?`.
 *
 * The shell leads its own process group, so close() ends it together with every background job a
 * block started (a demo server, a blocking query left waiting).
 */
export class BashSession {
  private readonly child: ChildProcess;
  private readonly marker = `__lab_${randomBytes(8).toString('hex')}__`;
  private readonly scratch = mkdtempSync(path.join(tmpdir(), 'lab-shell-'));
  private buffer = '';
  private waiter?: (chunk: string) => void;
  private exited = false;
  private readonly exit: Promise<void>;
  private blocks = 0;

  constructor(options: BashSessionOptions) {
    this.child = spawn('bash', ['--noprofile', '--norc'], {
      cwd: options.cwd,
      env: options.env,
      stdio: ['pipe', 'pipe', 'pipe'],
      detached: true,
    });
    this.exit = new Promise((resolve) =>
      this.child.once('exit', () => {
        this.exited = true;
        this.waiter?.('');
        resolve();
      }),
    );
    const take = (chunk: Buffer) => {
      this.buffer += chunk.toString('utf8');
      this.waiter?.(this.buffer);
    };
    this.child.stdout!.on('data', take);
    this.child.stderr!.on('data', take);
    // Everything a block prints reaches one stream, in the order a terminal would show it.
    this.child.stdin!.write('exec 2>&1\n');
  }

  /** Runs one block of commands; resolves with what it printed and its exit status. */
  async run(commands: string, timeoutMs: number): Promise<CommandResult> {
    if (this.exited) throw new SessionClosedError('the shell has exited');
    const file = path.join(this.scratch, `block-${++this.blocks}.sh`);
    writeFileSync(file, commands.endsWith('\n') ? commands : `${commands}\n`);
    this.buffer = '';
    // The marker starts on a fresh line even when the block's output did not end with one.
    // Standard input is /dev/null, as for a command typed with nothing to read: a command that reads
    // it must not swallow the lines this session writes next.
    this.child.stdin!.write(`source ${JSON.stringify(file)} < /dev/null; printf '\\n%s %s\\n' ${this.marker} "$?"\n`);
    const pattern = new RegExp(`\\n${this.marker} (\\d+)\\n`);
    return new Promise<CommandResult>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiter = undefined;
        reject(new CommandTimeoutError(timeoutMs, this.buffer));
      }, timeoutMs);
      this.waiter = (text) => {
        const found = pattern.exec(text);
        if (found) {
          clearTimeout(timer);
          this.waiter = undefined;
          resolve({ output: text.slice(0, found.index), exitCode: Number(found[1]) });
        } else if (this.exited) {
          clearTimeout(timer);
          this.waiter = undefined;
          reject(new SessionClosedError(`the shell exited while running the block; it printed:\n${this.buffer}`));
        }
      };
      this.waiter(this.buffer);
    });
  }

  /** Ends the shell and every process it started (SIGTERM to the group, SIGKILL after a grace period). */
  async close(graceMs = 2000): Promise<void> {
    const group = -this.child.pid!;
    const signal = (name: NodeJS.Signals) => {
      try {
        process.kill(group, name);
      } catch {
        // The group is already gone.
      }
    };
    signal('SIGTERM');
    const killer = setTimeout(() => signal('SIGKILL'), graceMs);
    await this.exit;
    // Background jobs may outlive the shell itself by a moment; make sure none is left.
    signal('SIGKILL');
    clearTimeout(killer);
    rmSync(this.scratch, { recursive: true, force: true });
  }
}
