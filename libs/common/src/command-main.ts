import { Console } from 'node:console';

import { errorMessage } from './error-message';

/** What a command's entry is given: its environment and where its lines go, so a test can run it in-process. */
export interface CommandIo {
  env: NodeJS.ProcessEnv;
  out(line: string): void;
  err(line: string): void;
}

/** A command's entry: resolves to the exit code (0 done, 2 a usage error it reported itself). */
export type Command = (argv: string[], io: CommandIo) => Promise<number>;

/** The parts of `process` a command's entry uses; a test passes its own. */
export interface CommandProcess {
  argv: readonly string[];
  env: NodeJS.ProcessEnv;
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream;
  exit(code: number): void;
}

/**
 * Runs `command` with this process's arguments, environment and console, and exits with the code it
 * resolves to. An error it lets escape is reported as one line under the tool's name (`chaos: ...`)
 * with exit code 2. The process exits as soon as what was printed is written, rather than waiting
 * for every handle to close: a client's lingering socket, or the handles a student's test leaves
 * open, must not keep a finished command alive. Resolves once it has asked the process to exit.
 */
export async function runCommandMain(name: string, command: Command, proc: CommandProcess = process): Promise<void> {
  // A Console, as console.log is: a reader that has gone (`| head`) is no reason to crash.
  const console = new Console({ stdout: proc.stdout, stderr: proc.stderr });
  let code: number;
  try {
    code = await command(proc.argv.slice(2), {
      env: proc.env,
      out: (line) => console.log(line),
      err: (line) => console.error(line),
    });
  } catch (error) {
    console.error(`${name}: ${errorMessage(error)}`);
    code = 2;
  }
  await Promise.all([written(proc.stdout), written(proc.stderr)]);
  proc.exit(code);
}

/** Resolves once everything written to `stream` so far is out (an empty write calls back after it). */
function written(stream: NodeJS.WritableStream): Promise<void> {
  // The reader may be gone (EPIPE): the process is exiting anyway, so that failure is not thrown.
  stream.on('error', () => undefined);
  return new Promise((resolve) => stream.write('', () => resolve()));
}
