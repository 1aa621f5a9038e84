import { escapeRegex } from '../escape-regex';

/**
 * The notation of an `output` block: what a command should print, line by line.
 *
 * - Each line must equal the printed line (trailing spaces and trailing empty lines do not count).
 * - A line that is exactly `...` stands for any number of lines, none included.
 * - Inside a line, `{{name}}` stands for a value that changes from run to run (see PLACEHOLDERS),
 *   and `{{/regex/}}` for anything a JavaScript regular expression matches.
 */
export const PLACEHOLDERS: Readonly<Record<string, string>> = {
  '...': '.*',
  int: '-?\\d+',
  number: '-?\\d+(?:\\.\\d+)?',
  word: '[\\w.:-]+',
  hex: '[0-9a-fA-F]+',
  uuid: '[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}',
  time: '\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}(?:\\.\\d+)?(?:Z|[+-]\\d{2}:\\d{2})',
};

const ANY_LINES = '...';

export class ExpectationSyntaxError extends Error {
  override readonly name = 'ExpectationSyntaxError';
}

type LineMatcher = { anyLines: true; text: string } | { anyLines: false; text: string; test(line: string): boolean };

export interface ExpectedOutput {
  readonly lines: readonly LineMatcher[];
}

export type OutputMatch =
  | { ok: true }
  | {
      ok: false;
      /** 1-based line of the expected block that could not be matched; past the end: output left over. */
      expectedLine: number;
      expectedText?: string;
      /** 1-based line of the output where that happened; past the end: the output ended early. */
      actualLine: number;
      actualText?: string;
    };

/** Lines without carriage returns and trailing spaces, and without the empty lines at the end. */
export function outputLines(text: string): string[] {
  const lines = text.split('\n').map((line) => line.replace(/\s+$/, ''));
  while (lines.length > 0 && lines.at(-1) === '') lines.pop();
  return lines;
}

/** Reads an `output` block once; throws ExpectationSyntaxError naming an unknown placeholder. */
export function compileExpectedOutput(text: string): ExpectedOutput {
  return {
    lines: outputLines(text).map((line, index) => {
      if (line.trim() === ANY_LINES) return { anyLines: true, text: line };
      const regex = new RegExp(`^${lineToRegex(line, index + 1)}$`);
      return { anyLines: false, text: line, test: (actual: string) => regex.test(actual) };
    }),
  };
}

function lineToRegex(line: string, lineNumber: number): string {
  let out = '';
  let rest = line;
  for (;;) {
    const open = rest.indexOf('{{');
    if (open === -1) return out + escapeRegex(rest);
    out += escapeRegex(rest.slice(0, open));
    rest = rest.slice(open + 2);
    if (rest.startsWith('/')) {
      const close = rest.indexOf('/}}', 1);
      if (close === -1) throw new ExpectationSyntaxError(`line ${lineNumber}: {{/ has no closing /}}`);
      const source = rest.slice(1, close);
      try {
        new RegExp(source);
      } catch (error) {
        throw new ExpectationSyntaxError(`line ${lineNumber}: {{/${source}/}} ${(error as Error).message}`);
      }
      out += `(?:${source})`;
      rest = rest.slice(close + 3);
      continue;
    }
    const close = rest.indexOf('}}');
    if (close === -1) throw new ExpectationSyntaxError(`line ${lineNumber}: {{ has no closing }}`);
    const name = rest.slice(0, close).trim();
    const pattern = PLACEHOLDERS[name];
    if (pattern === undefined) {
      throw new ExpectationSyntaxError(
        `line ${lineNumber}: unknown placeholder {{${name}}} (known: ${Object.keys(PLACEHOLDERS)
          .map((k) => `{{${k}}}`)
          .join(', ')}, {{/regex/}})`,
      );
    }
    out += pattern;
    rest = rest.slice(close + 2);
  }
}

/**
 * Whether `actual` fits `expected`. On a mismatch, says where: the furthest expected line any
 * alignment reached (at the earliest output line), which is where a reader should look first.
 */
export function matchOutput(expected: ExpectedOutput, actual: string): OutputMatch {
  const want = expected.lines;
  const got = outputLines(actual);
  const failed = new Set<number>();
  let furthest = { i: 0, j: 0 };

  // Depth-first over (expected line i, output line j); `...` tries every split. Memoised failures
  // keep it polynomial; blocks are a few dozen lines.
  const visit = (i: number, j: number): boolean => {
    const key = i * (got.length + 1) + j;
    if (failed.has(key)) return false;
    if (i > furthest.i || (i === furthest.i && j < furthest.j)) furthest = { i, j };
    let ok: boolean;
    if (i === want.length) ok = j === got.length;
    else {
      const matcher = want[i];
      if (matcher.anyLines) {
        ok = false;
        for (let k = j; k <= got.length && !ok; k++) ok = visit(i + 1, k);
      } else ok = j < got.length && matcher.test(got[j]) && visit(i + 1, j + 1);
    }
    if (!ok) failed.add(key);
    return ok;
  };
  if (visit(0, 0)) return { ok: true };
  const { i, j } = furthest;
  return {
    ok: false,
    expectedLine: i + 1,
    expectedText: want[i]?.text,
    actualLine: j + 1,
    actualText: got[j],
  };
}
