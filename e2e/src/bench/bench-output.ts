// Pure: what a benchmark printed, read back. The benchmarks print markdown tables whose figure
// columns are right-aligned (`---:`), so the separator row says which cells must hold numbers.

export interface MarkdownTable {
  header: string[];
  /** Per column: right-aligned in the separator row, i.e. a column of figures. */
  figures: boolean[];
  rows: string[][];
}

const cellsOf = (line: string): string[] =>
  line
    .trim()
    .replace(/^\|/, '')
    .replace(/\|$/, '')
    .split('|')
    .map((cell) => cell.trim());

/** Every markdown table in `text`, in order: a header row, a separator row, then its rows. */
export function markdownTables(text: string): MarkdownTable[] {
  const tables: MarkdownTable[] = [];
  let block: string[] = [];
  for (const line of [...text.split('\n'), '']) {
    if (line.trimStart().startsWith('|')) {
      block.push(line);
      continue;
    }
    if (block.length >= 2) {
      const [header, separator, ...rows] = block.map(cellsOf);
      tables.push({ header, figures: separator.map((cell) => /^:?-+:$/.test(cell)), rows });
    }
    block = [];
  }
  return tables;
}

/** A figure as the benchmarks write one: 12, 0.35, +1.20, -0.09, 3.73x. Not n/a, -, NaN or Infinity. */
const FIGURE = /^[+-]?\d+(\.\d+)?x?$/;
/** Columns that count failures: anything but 0 means the run measured failures, not the thing. */
const FAILURE_COLUMN = /^(failed|lost)$/;

/**
 * What is wrong with a table's figures, one line each; empty when every row has figures, every
 * non-empty cell of a figure column is a number, and every failure count is 0. (Ratio and "added"
 * rows leave some figure cells empty on purpose.)
 */
export function tableProblems(table: MarkdownTable): string[] {
  const problems: string[] = [];
  if (table.rows.length === 0) problems.push('no rows');
  for (const row of table.rows) {
    const label = row[0];
    if (row.length !== table.header.length) {
      problems.push(`${label}: ${row.length} cells under ${table.header.length} columns`);
      continue;
    }
    let figures = 0;
    row.forEach((cell, column) => {
      if (!table.figures[column] || cell === '') return;
      const name = table.header[column];
      if (!FIGURE.test(cell)) problems.push(`${label}: ${name} is "${cell}", not a number`);
      else if (FAILURE_COLUMN.test(name) && Number(cell) !== 0) problems.push(`${label}: ${name} is ${cell}`);
      else figures++;
    });
    if (figures === 0) problems.push(`${label}: no figures`);
  }
  return problems;
}

/** The table whose header is exactly `header`, if one was printed. */
export function tableWithHeader(
  tables: readonly MarkdownTable[],
  header: readonly string[],
): MarkdownTable | undefined {
  return tables.find((table) => table.header.join('|') === header.join('|'));
}

/** One benchmark command a document names: the bench's folder and the arguments it is given. */
export interface BenchCommand {
  bench: string;
  args: string[];
  /** `npm run bench:<name>` rather than `node bench/<name>/run.mjs`. */
  viaNpm: boolean;
  text: string;
}

/** Splits a command line as a shell would for plain words and "..." or '...' quoting. */
function words(text: string): string[] {
  const found: string[] = [];
  for (const match of text.matchAll(/"([^"]*)"|'([^']*)'|(\S+)/g)) found.push(match[1] ?? match[2] ?? match[3]);
  return found;
}

/**
 * The benchmark commands a markdown document names, in code blocks or inline code: `node
 * bench/<x>/run.mjs ...` and `npm run bench:<x> -- ...`, continued lines joined, and cut at the end
 * of the code span, a comment, or a shell redirection or pipe.
 */
export function benchCommands(markdown: string): BenchCommand[] {
  const text = markdown.replace(/\\\n\s*/g, ' ');
  const commands: BenchCommand[] = [];
  for (const match of text.matchAll(/(?:node bench\/([a-z-]+)\/run\.mjs|npm run bench:([a-z-]+))([^`#\n]*)/g)) {
    const viaNpm = match[2] !== undefined;
    let args = words(match[3]);
    const end = args.findIndex((word) => ['>', '>>', '|', '&&', ';', '2>&1'].includes(word));
    if (end >= 0) args = args.slice(0, end);
    // npm hands the script only what follows `--`.
    if (viaNpm) args = args[0] === '--' ? args.slice(1) : [];
    commands.push({ bench: match[1] ?? match[2], args, viaNpm, text: match[0].trim().replace(/\s+/g, ' ') });
  }
  return commands;
}
