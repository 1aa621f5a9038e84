import type { CliIo } from './lab/lab-cli';

/** Runs a command's entry with this process's arguments and console, and exits with its code. */
export function runMain(cli: (args: string[], io: CliIo) => Promise<number>): void {
  cli(process.argv.slice(2), {
    env: process.env,
    out: (text) => console.log(text),
    err: (text) => console.error(text),
  }).then(
    // Exit rather than wait: a student's test run by the grader may leave handles open.
    (code) => process.exit(code),
    (error: unknown) => {
      console.error(error);
      process.exit(1);
    },
  );
}
