import { execFileSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

import ts from 'typescript';

import type { TestWritingExercise } from '../src/exercise/exercise-definition';
import { findExercise, listExercises, loadExerciseDefinition, startExercise } from '../src/exercise/exercises';
import { REPOSITORY_ROOT } from '../src/repository-root';
import { runCli } from './support/run-cli';

/**
 * Every grader must be able to fail: each runs on the untouched starter (and fails, with the report a
 * student would read) and on the reference solution (and passes), through `npm run exercise`'s
 * built command, as a student runs it.
 */
const check = (...args: string[]) => runCli('exercise', ['check', ...args]);
const lines = (output: string, pattern: RegExp) => output.split('\n').filter((line) => pattern.test(line));

it('finds the exercises', () => {
  expect(listExercises().map((e) => e.name)).toEqual(['01-registry-client', '02-circuit-breaker-tests']);
});

describe('exercise 1: the registry client, graded against a real registry', () => {
  it('fails the untouched starter on every requirement, each with a hint', async () => {
    const { code, output } = await check('1', '--starter');
    expect(code).toBe(1);
    const failed = lines(output, /^ {2}✗ /);
    expect(failed.length).toBeGreaterThanOrEqual(12);
    expect(lines(output, /^ {2}✓ /)).toEqual([]);
    expect(lines(output, /^ {6}hint: /)).toHaveLength(failed.length);
    expect(output).toContain(`0 of ${failed.length} requirements met. Start with the first ✗.`);
    for (const part of ['1. registers with a health check', '2. discovers with load balancing', '3. survives']) {
      expect(output).toContain(part);
    }
  });

  it('passes the reference solution', async () => {
    const { code, output } = await check('1', '--solution');
    expect(lines(output, /^ {2}✗ /)).toEqual([]);
    expect(output).toMatch(/^All \d+ requirements met\.$/m);
    expect(code).toBe(0);
  });
});

describe('exercise 2: circuit-breaker tests, graded by mutation', () => {
  let exercise: TestWritingExercise;
  beforeAll(async () => {
    const definition = await loadExerciseDefinition(findExercise(2));
    if (definition.kind !== 'tests') throw new Error('exercise 2 is graded by mutation');
    exercise = definition;
  });

  it('fails the untouched starter: it has no test yet', async () => {
    const { code, output } = await check('2', '--starter');
    expect(code).toBe(1);
    expect(output).toContain('✗ no test yet (6 still marked todo): write tests in circuit-breaker.test.ts.');
    expect(output).toContain('The broken copies are graded once your tests pass on the correct code.');
  });

  it('reports the broken copies that weak tests let through, with what each means', async () => {
    const { code, output } = await check('2', '--dir', 'exercises/02-circuit-breaker-tests/grading/weak-tests');
    expect(code).toBe(1);
    const survived = ['opens-one-failure-early', 'success-does-not-reset-failures', 'open-calls-through'];
    const caught = ['never-opens', 'opens-one-failure-late', 'never-half-opens'];
    const [caughtPart, survivedPart] = output.split('Survived (every test passes although the code is broken):');
    for (const id of caught) expect(caughtPart).toContain(`✓ ${id}: `);
    for (const id of survived) {
      const mutant = exercise.mutants.find((m) => m.id === id)!;
      expect(survivedPart).toContain(`✗ ${id}: ${mutant.bug}\n      hint: ${mutant.hint}`);
    }
    expect(output).toContain(`3 of ${exercise.mutants.length} broken copies caught.`);
  });

  it('passes the reference tests, which catch every broken copy', async () => {
    const { code, output } = await check('2', '--solution');
    for (const mutant of exercise.mutants) expect(output).toContain(`✓ ${mutant.id}: ${mutant.bug}`);
    expect(output).toContain(`All ${exercise.mutants.length} broken copies caught.`);
    expect(code).toBe(0);
  });

  it('fails tests that fail on the correct breaker, before looking at the broken copies', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'exercise-2-'));
    const breaker = path.join(REPOSITORY_ROOT, 'exercises/02-circuit-breaker-tests/breaker/circuit-breaker.ts');
    try {
      writeFileSync(
        path.join(dir, 'circuit-breaker.test.ts'),
        [
          `import { CircuitBreaker } from ${JSON.stringify(breaker)};`,
          "it('opens after one failure', async () => {",
          '  const breaker = new CircuitBreaker({ failureThreshold: 3, resetTimeoutMs: 10 });',
          "  await breaker.call(() => Promise.reject(new Error('x'))).catch(() => undefined);",
          "  expect(breaker.state).toBe('OPEN');",
          '});',
        ].join('\n'),
      );
      const { code, output } = await check('2', '--dir', dir);
      expect(code).toBe(1);
      expect(output).toContain('On the correct code, 1 of 1 tests fail.');
      expect(output).toContain('✗ opens after one failure');
      expect(output).not.toContain('Survived');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('a student’s copy', () => {
  it('start copies the starter into work/, and never overwrites it', async () => {
    const root = mkdtempSync(path.join(tmpdir(), 'exercise-start-'));
    try {
      const shipped = path.join(REPOSITORY_ROOT, 'exercises/01-registry-client');
      cpSync(shipped, path.join(root, 'exercises/01-registry-client'), {
        recursive: true,
        filter: (source) => path.relative(shipped, source).split(path.sep)[0] !== 'work',
      });
      const folder = findExercise(1, root);
      const exercise = await loadExerciseDefinition(findExercise(1));
      const work = path.join(folder.dir, 'work/registry-client.ts');
      expect(startExercise(folder, exercise)).toEqual({ created: [work] });
      expect(readFileSync(work, 'utf8')).toBe(
        readFileSync(path.join(folder.dir, 'starter/registry-client.ts'), 'utf8'),
      );

      writeFileSync(work, '// my work');
      expect(startExercise(folder, exercise)).toEqual({ existing: [work] });
      expect(readFileSync(work, 'utf8')).toBe('// my work');
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });

  it("is outside the repository's lint, formatting, type check and history", async () => {
    const student = 'exercises/01-registry-client/work/registry-client.ts';
    // ESLint and Prettier load their configuration as ES modules, which Jest's module loader does not:
    // ask them in a plain Node process, as `npm run lint` and `npm run format:check` do.
    const ask = [
      "const { ESLint } = require('eslint');",
      "const prettier = require('prettier');",
      '(async () => console.log(JSON.stringify({',
      '  eslint: await new ESLint().isPathIgnored(process.argv[1]),',
      "  prettier: (await prettier.getFileInfo(process.argv[1], { ignorePath: '.prettierignore' })).ignored,",
      '})))();',
    ].join('\n');
    const ignored = JSON.parse(
      execFileSync(process.execPath, ['-e', ask, student], { cwd: REPOSITORY_ROOT, encoding: 'utf8' }),
    ) as unknown;
    expect(ignored).toEqual({ eslint: true, prettier: true });
    expect(execFileSync('git', ['check-ignore', student], { cwd: REPOSITORY_ROOT, encoding: 'utf8' }).trim()).toBe(
      student,
    );

    // The type check's own file list, computed from tsconfig.spec.json over a folder holding a
    // starter file and a student's copy.
    const scratch = mkdtempSync(path.join(tmpdir(), 'exercise-tsconfig-'));
    try {
      for (const file of [student, 'exercises/01-registry-client/starter/registry-client.ts']) {
        mkdirSync(path.dirname(path.join(scratch, file)), { recursive: true });
        writeFileSync(path.join(scratch, file), 'export {};\n');
      }
      const { config } = ts.readConfigFile(path.join(REPOSITORY_ROOT, 'tsconfig.spec.json'), ts.sys.readFile);
      const parsed = ts.parseJsonConfigFileContent({ ...config, extends: undefined }, ts.sys, scratch);
      expect(parsed.fileNames.map((f) => path.relative(scratch, f))).toEqual([
        'exercises/01-registry-client/starter/registry-client.ts',
      ]);
    } finally {
      rmSync(scratch, { recursive: true, force: true });
    }
  });
});
