import { setTimeout as delay } from 'node:timers/promises';

import { BashSession, CommandTimeoutError, type CommandResult } from '../shell/bash-session';
import { matchOutput, type OutputMatch } from './expected-output';
import type { CommandBlock, LabDocument, LabStep } from './lab-document';

export interface LabRunOptions {
  /** Where the shell starts: the repository root, as for a student. */
  cwd: string;
  env: NodeJS.ProcessEnv;
  /**
   * Values for names that an `sh env` block exports: the addresses of the stack the runner started
   * (CONSUL_HTTP_ADDR, GW...). They replace the values the README shows for a student's own stack.
   */
  provided: Readonly<Record<string, string>>;
  /** A free port for each `NAME_PORT` an `sh env` block exports, so runs never collide. */
  freePort(): Promise<number>;
  onProgress?(message: string): void;
  /** Pause between two tries of an `eventually` block. */
  retryIntervalMs?: number;
  /**
   * Called once every step has passed, while the shell and what it started in the background (the
   * lab's own processes) still run: the moment to look at the system the lab left behind.
   */
  afterSteps?(): Promise<void>;
}

export interface LabFailure {
  step: LabStep;
  command: CommandBlock;
  reason: string;
  /** What the command printed (the last try, for an `eventually` block). */
  output?: string;
  exitCode?: number;
  mismatch?: Extract<OutputMatch, { ok: false }>;
}

export type LabRunResult =
  | { ok: true; steps: number; commands: number; durationMs: number }
  | { ok: false; failure: LabFailure; durationMs: number };

/**
 * Runs a lab's steps in order in one bash session, as a student would type them, and stops at the
 * first command whose output or exit status differs from the README.
 */
export async function runLab(lab: LabDocument, options: LabRunOptions): Promise<LabRunResult> {
  const started = Date.now();
  const shell = new BashSession({ cwd: options.cwd, env: options.env });
  let commands = 0;
  try {
    for (const step of lab.steps) {
      options.onProgress?.(`step ${step.number}: ${step.title}`);
      for (const command of step.commands) {
        commands++;
        if (command.needs) {
          const failure = await checkSyntax(shell, command);
          if (failure) return { ok: false, failure: { step, command, ...failure }, durationMs: Date.now() - started };
          options.onProgress?.(`  line ${command.line} needs ${command.needs}: syntax checked, not run`);
          continue;
        }
        const source = command.env ? await environmentSource(command, options) : command.source;
        const failure = await runCommand(shell, source, command, options.retryIntervalMs ?? 500);
        if (failure) return { ok: false, failure: { step, command, ...failure }, durationMs: Date.now() - started };
      }
    }
    await options.afterSteps?.();
    return { ok: true, steps: lab.steps.length, commands, durationMs: Date.now() - started };
  } finally {
    await shell.close();
  }
}

type CommandFailure = Omit<LabFailure, 'step' | 'command'>;

async function runCommand(
  shell: BashSession,
  source: string,
  command: CommandBlock,
  retryIntervalMs: number,
): Promise<CommandFailure | undefined> {
  const expect = command.expect;
  const deadline = Date.now() + (expect?.eventuallyMs ?? 0);
  for (;;) {
    let result: CommandResult;
    try {
      result = await shell.run(source, command.timeoutMs);
    } catch (error) {
      if (error instanceof CommandTimeoutError) {
        return { reason: `the command ${error.message}`, output: error.output };
      }
      return { reason: (error as Error).message };
    }
    const wantedExit = expect?.exitCode ?? 0;
    const match = expect ? matchOutput(expect.output, result.output) : ({ ok: true } as const);
    if (match.ok && result.exitCode === wantedExit) return undefined;
    if (Date.now() >= deadline) {
      const { output, exitCode } = result;
      if (!match.ok) return { reason: 'the output differs from the README', output, exitCode, mismatch: match };
      return { reason: `the command exited with status ${exitCode}, not ${wantedExit}`, output, exitCode };
    }
    await delay(retryIntervalMs);
  }
}

/**
 * A block this machine cannot run (it needs Docker, a cluster) is still parsed by bash (`bash -n`),
 * so a quoting mistake or a missing `fi` is caught; the session's state is not touched.
 */
async function checkSyntax(shell: BashSession, command: CommandBlock): Promise<CommandFailure | undefined> {
  const marker = '__LAB_SYNTAX_CHECK_END__';
  if (command.source.split('\n').includes(marker)) return { reason: `a block may not contain the line ${marker}` };
  const result = await shell.run(`bash -n <<'${marker}'\n${command.source.replace(/\n?$/, '\n')}${marker}\n`, 10_000);
  if (result.exitCode === 0) return undefined;
  return { reason: `bash cannot parse the block (needs=${command.needs}, so it is not run)`, ...result };
}

const LOOKS_LIKE_AN_ADDRESS = /^['"]?(https?:\/\/)?(127\.0\.0\.1|localhost|\[::1\])[:/]/;

/**
 * The `export` lines of an `sh env` block as this run needs them: the stack's addresses in place of
 * the README's, a free port for each NAME_PORT, everything else as written. An address the runner
 * cannot provide is refused rather than left pointing at whatever listens there.
 */
async function environmentSource(command: CommandBlock, options: LabRunOptions): Promise<string> {
  const lines: string[] = [];
  for (const { name, value } of command.env ?? []) {
    if (name in options.provided) lines.push(`export ${name}=${shellQuote(options.provided[name])}`);
    else if (name.endsWith('_PORT') && /^\d+$/.test(value)) lines.push(`export ${name}=${await options.freePort()}`);
    else if (LOOKS_LIKE_AN_ADDRESS.test(value)) {
      throw new Error(
        `the sh env block at line ${command.line} exports ${name}=${value}, an address the runner does not provide ` +
          `(it provides ${Object.keys(options.provided).join(', ')})`,
      );
    } else lines.push(`export ${name}=${value}`);
  }
  return lines.join('\n');
}

function shellQuote(value: string): string {
  return `'${value.replaceAll("'", `'\\''`)}'`;
}

/** A report a person can act on: where in the README, the command, what was expected, what came. */
export function formatLabFailure(file: string, failure: LabFailure): string {
  const { step, command, mismatch } = failure;
  const indent = (text: string) =>
    text
      .replace(/\n$/, '')
      .split('\n')
      .map((l) => `    ${l}`)
      .join('\n');
  const parts = [
    `Step ${step.number} (${step.title}) failed: ${failure.reason}.`,
    `  command (${file}:${command.line}):\n${indent(command.source)}`,
  ];
  if (command.expect) parts.push(`  expected (${file}:${command.expect.line}):\n${indent(command.expect.text)}`);
  if (failure.output !== undefined) {
    const status = failure.exitCode === undefined ? '' : `, exit status ${failure.exitCode}`;
    parts.push(`  actual output${status}:\n${failure.output === '' ? '    (nothing)' : indent(failure.output)}`);
  }
  if (mismatch) {
    const got =
      mismatch.actualText === undefined
        ? 'the output ended'
        : `output line ${mismatch.actualLine} is: ${mismatch.actualText}`;
    const want =
      mismatch.expectedText === undefined
        ? 'the README expects no more output'
        : `expected line ${mismatch.expectedLine} is: ${mismatch.expectedText}`;
    parts.push(`  first difference: ${want}\n                    ${got}`);
  }
  return parts.join('\n');
}
