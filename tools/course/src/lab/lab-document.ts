import { readMarkdown, type FencedBlock } from '../markdown/read-markdown';
import { compileExpectedOutput, ExpectationSyntaxError, type ExpectedOutput } from './expected-output';

/** What a block's `output` fence says the command must print, and how to compare. */
export interface Expectation {
  line: number;
  text: string;
  output: ExpectedOutput;
  /** The exit status the block must end with (`exit=N`; default 0). */
  exitCode: number;
  /** Run the command again until it prints this, for at most this long (`eventually[=20s]`). */
  eventuallyMs?: number;
}

export interface CommandBlock {
  line: number;
  source: string;
  timeoutMs: number;
  /** An `sh env` block: `export NAME=value` lines whose values the runner may replace (see runLab). */
  env?: ReadonlyArray<{ name: string; value: string }>;
  /**
   * `sh needs=docker` (or kubernetes): the block needs what a student may have and this machine may
   * not. It is shown, and its syntax checked (`bash -n`), but it is not run and its output is not
   * compared.
   */
  needs?: ExternalNeed;
  expect?: Expectation;
}

/** What a block may need that the runner does not provide. */
export const EXTERNAL_NEEDS = ['docker', 'kubernetes'] as const;
export type ExternalNeed = (typeof EXTERNAL_NEEDS)[number];

export interface LabStep {
  number: number;
  title: string;
  line: number;
  commands: CommandBlock[];
}

export interface LabDocument {
  title: string;
  steps: LabStep[];
}

export class LabDocumentError extends Error {
  override readonly name = 'LabDocumentError';
  constructor(
    readonly file: string,
    readonly line: number,
    message: string,
  ) {
    super(`${file}:${line}: ${message}`);
  }
}

export const DEFAULT_COMMAND_TIMEOUT_MS = 60_000;
export const DEFAULT_EVENTUALLY_MS = 15_000;

const STEP_HEADING = /^Step (\d+)\s*[:.—-]\s*(.+)$/;
const EXPORT_LINE = /^export ([A-Za-z_][A-Za-z0-9_]*)=(.*)$/;

/**
 * Reads a lab README: `## Step N: title` headings in order from 1, and in each step the `sh`
 * blocks to run, each followed by an optional `output` block. Blocks outside the steps
 * (prerequisites, troubleshooting) are for reading only. Mistakes in the notation are refused
 * here, with the line, before anything runs.
 */
export function readLabDocument(source: string, file: string): LabDocument {
  const nodes = readMarkdown(source);
  const fail = (line: number, message: string): never => {
    throw new LabDocumentError(file, line, message);
  };
  const title = nodes.find((n) => n.kind === 'heading' && n.level === 1);
  if (!title || title.kind !== 'heading') return fail(1, 'a lab starts with a "# Title" heading');

  const steps: LabStep[] = [];
  let step: LabStep | undefined;
  for (const node of nodes) {
    if (node.kind === 'heading') {
      if (node.level > 2) continue;
      const found = node.level === 2 ? STEP_HEADING.exec(node.text) : null;
      if (!found) {
        step = undefined;
        continue;
      }
      const number = Number(found[1]);
      if (number !== steps.length + 1) fail(node.line, `expected Step ${steps.length + 1}, found Step ${number}`);
      step = { number, title: found[2].trim(), line: node.line, commands: [] };
      steps.push(step);
      continue;
    }
    if (!step) continue;
    if (node.language === 'sh') step.commands.push(commandBlock(node, fail));
    else if (node.language === 'output') {
      const previous = step.commands.at(-1);
      if (!previous) fail(node.line, 'an output block must follow the sh block whose output it shows');
      else if (previous.expect) fail(node.line, `the sh block at line ${previous.line} already has an output block`);
      else previous.expect = expectation(node, fail);
    }
  }
  if (steps.length === 0) fail(title.line, 'a lab needs at least one "## Step 1: ..." heading');
  return { title: title.text, steps };
}

/** Refuses a mistake in a document, with its line. */
export type Fail = (line: number, message: string) => never;

/** An `sh` block as a command: `timeout=`, `env`, and the extra words this kind of document allows. */
export function commandBlock(block: FencedBlock, fail: Fail, extraWords: string[] = []): CommandBlock {
  const allowed = new Set(['env', 'timeout', 'needs', ...extraWords]);
  for (const key of block.attributes.keys()) {
    if (!allowed.has(key)) {
      fail(
        block.line,
        `unknown word "${key}" after sh (known: ${[...allowed].join(', ')}; timeout takes =30s, needs =docker)`,
      );
    }
  }
  const timeout = block.attributes.get('timeout');
  const command: CommandBlock = {
    line: block.line,
    source: block.body,
    timeoutMs: timeout === undefined ? DEFAULT_COMMAND_TIMEOUT_MS : seconds(timeout, 'timeout', block.line, fail),
  };
  const needs = block.attributes.get('needs');
  if (needs !== undefined) {
    if (needs === true || !(EXTERNAL_NEEDS as readonly string[]).includes(needs)) {
      fail(block.line, `needs= takes ${EXTERNAL_NEEDS.join(' or ')}, as needs=docker`);
    }
    if (block.attributes.has('env')) fail(block.line, 'an sh env block always runs: it cannot have needs=');
    command.needs = needs as ExternalNeed;
  }
  if (block.attributes.has('env')) {
    command.env = block.body
      .split('\n')
      .map((text, index) => ({ text: text.trim(), line: block.line + 1 + index }))
      .filter(({ text }) => text !== '' && !text.startsWith('#'))
      .map(({ text, line }) => {
        const found = EXPORT_LINE.exec(text);
        if (!found) return fail(line, `an sh env block holds only "export NAME=value" lines, found: ${text}`);
        return { name: found[1], value: found[2] };
      });
  }
  return command;
}

/** An `output` block as what the command before it must print. */
export function expectation(block: FencedBlock, fail: Fail): Expectation {
  const allowed = new Set(['eventually', 'exit']);
  for (const key of block.attributes.keys()) {
    if (!allowed.has(key)) fail(block.line, `unknown word "${key}" after output (known: eventually[=20s], exit=N)`);
  }
  let output: ExpectedOutput;
  try {
    output = compileExpectedOutput(block.body);
  } catch (error) {
    if (error instanceof ExpectationSyntaxError) return fail(block.line, error.message);
    throw error;
  }
  const exit = block.attributes.get('exit');
  if (exit !== undefined && (exit === true || !/^\d+$/.test(exit))) fail(block.line, 'exit= takes a number, as exit=1');
  const eventually = block.attributes.get('eventually');
  return {
    line: block.line,
    text: block.body,
    output,
    exitCode: exit === undefined ? 0 : Number(exit),
    eventuallyMs:
      eventually === undefined
        ? undefined
        : eventually === true
          ? DEFAULT_EVENTUALLY_MS
          : seconds(eventually, 'eventually', block.line, fail),
  };
}

/** `20s` in milliseconds: whole seconds are the only unit these attributes need. */
function seconds(value: string | true, key: string, line: number, fail: Fail): number {
  const found = value === true ? null : /^(\d+)s$/.exec(value);
  if (!found) return fail(line, `${key}= takes whole seconds, as ${key}=20s`);
  return Number(found[1]) * 1000;
}
