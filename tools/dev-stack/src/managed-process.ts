import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, type WriteStream } from 'node:fs';
import { createInterface } from 'node:readline';

export interface ManagedProcessOptions {
  name: string;
  command: string;
  args: string[];
  env: NodeJS.ProcessEnv;
  /** Where the process's output goes: a log file, or this process's console with a name prefix. */
  output: { file: string } | { console: true };
}

/**
 * One child process of the stack: spawned, its output line-buffered, its exit observable, and stopped
 * politely (SIGTERM, then SIGKILL after a deadline) so that graceful shutdown is exercised every time.
 */
export class ManagedProcess {
  readonly name: string;
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  private readonly child: ChildProcess;
  private readonly tail: string[] = [];
  private readonly lineListeners = new Set<(line: string) => void>();
  private readonly file?: WriteStream;
  private exitedFlag = false;

  constructor(options: ManagedProcessOptions) {
    this.name = options.name;
    this.child = spawn(options.command, options.args, { env: options.env, stdio: ['ignore', 'pipe', 'pipe'] });
    if ('file' in options.output) this.file = createWriteStream(options.output.file, { flags: 'a' });
    const toConsole = 'console' in options.output;
    for (const stream of [this.child.stdout!, this.child.stderr!]) {
      createInterface({ input: stream }).on('line', (line) => {
        this.tail.push(line);
        if (this.tail.length > 40) this.tail.shift();
        this.file?.write(line + '\n');
        if (toConsole) process.stdout.write(`[${this.name}] ${line}\n`);
        for (const listener of this.lineListeners) listener(line);
      });
    }
    this.exited = new Promise((resolve) => {
      this.child.once('exit', (code, signal) => {
        this.exitedFlag = true;
        this.file?.end();
        resolve({ code, signal });
      });
    });
  }

  get pid(): number | undefined {
    return this.child.pid;
  }

  get running(): boolean {
    return !this.exitedFlag;
  }

  /** The last lines the process printed: shown when it dies during start-up. */
  recentOutput(): string {
    return this.tail.join('\n');
  }

  /** Resolves with the first output line that parses as JSON and satisfies `accept`. */
  waitForJsonLine<T>(accept: (value: unknown) => value is T, timeoutMs: number): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      const done = (fn: () => void) => {
        clearTimeout(timer);
        this.lineListeners.delete(onLine);
        fn();
      };
      const onLine = (line: string) => {
        let value: unknown;
        try {
          value = JSON.parse(line);
        } catch {
          return;
        }
        if (accept(value)) done(() => resolve(value));
      };
      const timer = setTimeout(
        () => done(() => reject(new Error(`${this.name} printed no ready line within ${timeoutMs} ms`))),
        timeoutMs,
      );
      this.lineListeners.add(onLine);
      void this.exited.then(() =>
        done(() => reject(new Error(`${this.name} exited during start-up:\n${this.recentOutput()}`))),
      );
    });
  }

  kill(signal: NodeJS.Signals): void {
    if (this.running) this.child.kill(signal);
  }

  async stop(deadlineMs = 15_000): Promise<void> {
    if (!this.running) return;
    this.child.kill('SIGTERM');
    const timer = setTimeout(() => this.child.kill('SIGKILL'), deadlineMs);
    await this.exited;
    clearTimeout(timer);
  }
}
