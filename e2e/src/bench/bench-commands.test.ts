import { execFile } from 'node:child_process';
import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';

import { benchCommands, type BenchCommand } from './bench-output';
import { REPOSITORY_ROOT } from './bench-run';

/**
 * Every benchmark command the documents name still parses: the script is there, and `--help`
 * added to the command's own flags exits 0 with the usage (each bench parses its flags strictly,
 * so a renamed or removed flag fails here before anything starts). The smoke tests beside this one
 * run each benchmark for real.
 */
const BENCHES = readdirSync(path.join(REPOSITORY_ROOT, 'bench'));
const DOCUMENTS = ['docs/benchmarks.md', 'docs/resilience.md', ...BENCHES.map((bench) => `bench/${bench}/README.md`)];
const scripts = (
  JSON.parse(readFileSync(path.join(REPOSITORY_ROOT, 'package.json'), 'utf8')) as { scripts: Record<string, string> }
).scripts;

const commands: (BenchCommand & { document: string })[] = DOCUMENTS.flatMap((document) =>
  benchCommands(readFileSync(path.join(REPOSITORY_ROOT, document), 'utf8')).map((command) => ({
    ...command,
    document,
  })),
);
/** Each command once, with the first document that names it. */
const firstOf = new Map<string, (typeof commands)[number]>();
for (const c of commands) {
  const key = `${c.bench} ${JSON.stringify(c.args)}`;
  if (!firstOf.has(key)) firstOf.set(key, c);
}
const unique = [...firstOf.values()];

function help(bench: string, args: readonly string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const script = path.join(REPOSITORY_ROOT, 'bench', bench, 'run.mjs');
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [script, ...args, '--help'],
      { cwd: REPOSITORY_ROOT, timeout: 60_000 },
      (error, stdout, stderr) => resolve({ code: error ? Number(error.code ?? 1) : 0, stdout, stderr }),
    );
  });
}

describe('the benchmark commands in the documents', () => {
  it('are found: docs/benchmarks.md names every bench, and the documents give flags to try', () => {
    const named = commands.filter((c) => c.document === 'docs/benchmarks.md').map((c) => c.bench);
    expect([...new Set(named)].sort()).toEqual([...BENCHES].sort());
    expect(unique.filter((c) => c.args.length > 0).length).toBeGreaterThanOrEqual(10);
  });

  it.each(BENCHES)('npm run bench:%s builds first, then runs its run.mjs', (bench) => {
    expect(scripts[`bench:${bench}`]).toMatch(new RegExp(`&& npm run build && node bench/${bench}/run\\.mjs$`));
  });

  it.each(unique.map((c) => [c.text, c.document, c] as const))(
    '%s (%s) parses',
    async (_text, _document, command) => {
      const result = await help(command.bench, command.args);
      expect(result).toMatchObject({ code: 0, stderr: '' });
      expect(result.stdout).toMatch(new RegExp(`^usage: node bench/${command.bench}/run\\.mjs`));
    },
    70_000,
  );
});
