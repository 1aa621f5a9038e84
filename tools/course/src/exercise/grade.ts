import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

import { escapeRegex } from '../escape-regex';
import type { ExerciseDefinition, ImplementationExercise, Mutant, TestWritingExercise } from './exercise-definition';
import type { ExerciseFolder } from './exercises';
import { applyMutant } from './mutants';
import { runGradingProjects, type ProjectOutcome, type TestOutcome } from './run-jest';

export interface Submission {
  /** The directory holding the files the student writes. */
  dir: string;
  /** How the report names it: "work/", "the starter", "the solution"... */
  label: string;
}

export interface GradeReport {
  passed: boolean;
  /** The report for the student, ready to print. */
  text: string;
}

export interface GradeOptions {
  /** Let Jest print its own report and the tests' console output too. */
  verbose?: boolean;
}

export function grade(
  folder: ExerciseFolder,
  exercise: ExerciseDefinition,
  submission: Submission,
  options: GradeOptions = {},
): Promise<GradeReport> {
  return exercise.kind === 'implementation'
    ? gradeImplementation(folder, exercise, submission, options)
    : gradeByMutation(folder, exercise, submission, options);
}

const HINT = /^(?:Error: )?Hint: (.+)$/m;
const MAX_DETAIL_LINES = 8;

/** Runs the exercise's grading tests against the submission; one line per requirement, a hint per failure. */
async function gradeImplementation(
  folder: ExerciseFolder,
  exercise: ImplementationExercise,
  submission: Submission,
  options: GradeOptions,
): Promise<GradeReport> {
  // The grading tests read it to load the copy under grading; Jest's workers inherit it.
  process.env.EXERCISE_SUBMISSION_DIR = submission.dir;
  const [outcome] = await runGradingProjects(
    [{ name: 'submission', rootDir: folder.dir, testFiles: exercise.grading.map((f) => path.join(folder.dir, f)) }],
    options,
  );
  const lines = [folder.title, `Grading ${submission.label} against the exercise's tests`, ''];
  lines.push(...fileErrors(outcome));
  let group: string | undefined;
  for (const test of outcome.tests) {
    const [heading, ...rest] = test.title.split(' › ');
    const title = rest.length > 0 ? rest.join(' › ') : heading;
    if (rest.length > 0 && heading !== group) {
      group = heading;
      lines.push(heading);
    }
    lines.push(`  ${test.status === 'passed' ? '✓' : '✗'} ${title}`);
    if (test.status === 'failed') lines.push(...describeFailure(test));
  }
  const passed = outcome.tests.filter((t) => t.status === 'passed').length;
  const total = outcome.tests.length;
  const ok = total > 0 && passed === total && outcome.errors.length === 0;
  lines.push(
    '',
    ok ? `All ${total} requirements met.` : `${passed} of ${total} requirements met. Start with the first ✗.`,
  );
  return { passed: ok, text: lines.join('\n') };
}

function describeFailure(test: TestOutcome): string[] {
  const message = test.failure ?? '';
  const hint = HINT.exec(message)?.[1];
  const detail = message
    .replace(HINT, '')
    .split('\n')
    .map((line) => line.trimEnd())
    .filter((line) => line.trim() !== '')
    .slice(0, MAX_DETAIL_LINES);
  return [...(hint ? [`      hint: ${hint}`] : []), ...detail.map((line) => `      | ${line}`)];
}

function fileErrors(outcome: ProjectOutcome): string[] {
  return outcome.errors.flatMap((error) => [
    '  ✗ the tests could not run:',
    ...error
      .split('\n')
      .slice(0, MAX_DETAIL_LINES)
      .map((line) => `      | ${line}`),
  ]);
}

/**
 * Runs the student's tests on the correct code, then (if they pass there) on every mutant. A mutant
 * is caught when at least one test fails on it; the report names those that survived and what that
 * says about the tests.
 */
async function gradeByMutation(
  folder: ExerciseFolder,
  exercise: TestWritingExercise,
  submission: Submission,
  options: GradeOptions,
): Promise<GradeReport> {
  const testFiles = exercise.files.map((f) => path.join(submission.dir, f));
  const subjectPath = path.join(folder.dir, exercise.subject);
  const subjectImport = subjectImportPattern(exercise.subject);
  const lines = [
    folder.title,
    `Grading ${submission.label}: your tests on the correct ${path.basename(exercise.subject)}, then on ${exercise.mutants.length} broken copies`,
    '',
  ];

  const [correct] = await runGradingProjects(
    [{ name: 'correct', rootDir: submission.dir, testFiles, moduleNameMapper: { [subjectImport]: subjectPath } }],
    options,
  );
  const real = correct.tests.filter((t) => t.status === 'passed' || t.status === 'failed');
  const failing = real.filter((t) => t.status === 'failed');
  if (correct.errors.length > 0 || real.length === 0 || failing.length > 0) {
    lines.push(...fileErrors(correct));
    if (correct.errors.length === 0 && real.length === 0) {
      const todo = correct.tests.filter((t) => t.status === 'todo').length;
      lines.push(
        `  ✗ no test yet${todo > 0 ? ` (${todo} still marked todo)` : ''}: write tests in ${exercise.files.join(', ')}.`,
      );
    }
    if (failing.length > 0) {
      lines.push(
        `On the correct code, ${failing.length} of ${real.length} tests fail. A test that fails on correct code`,
        'expects the wrong thing; fix these first:',
      );
      for (const test of failing) lines.push(`  ✗ ${test.title}`, ...describeFailure(test));
    }
    lines.push('', 'The broken copies are graded once your tests pass on the correct code.');
    return { passed: false, text: lines.join('\n') };
  }
  lines.push(`On the correct code: all ${real.length} tests pass.`, '');

  const scratch = mkdtempSync(path.join(tmpdir(), 'exercise-mutants-'));
  let outcomes: ProjectOutcome[];
  try {
    const source = readFileSync(subjectPath, 'utf8');
    const projects = exercise.mutants.map((mutant) => {
      const file = path.join(scratch, mutant.id, path.basename(exercise.subject));
      mkdirSync(path.dirname(file));
      writeFileSync(file, applyMutant(source, mutant));
      return { name: mutant.id, rootDir: submission.dir, testFiles, moduleNameMapper: { [subjectImport]: file } };
    });
    outcomes = await runGradingProjects(projects, options);
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }

  const caught = (mutant: Mutant) => {
    const outcome = outcomes.find((o) => o.name === mutant.id)!;
    return outcome.errors.length > 0 || outcome.tests.some((t) => t.status === 'failed');
  };
  const killed = exercise.mutants.filter(caught);
  const survived = exercise.mutants.filter((m) => !caught(m));
  if (killed.length > 0) {
    lines.push(`Caught (at least one test fails on this broken copy):`);
    for (const mutant of killed) {
      const by = outcomes.find((o) => o.name === mutant.id)!.tests.find((t) => t.status === 'failed');
      lines.push(`  ✓ ${mutant.id}: ${mutant.bug}${by ? `\n      caught by: ${by.title}` : ''}`);
    }
  }
  if (survived.length > 0) {
    if (killed.length > 0) lines.push('');
    lines.push(`Survived (every test passes although the code is broken):`);
    for (const mutant of survived) lines.push(`  ✗ ${mutant.id}: ${mutant.bug}`, `      hint: ${mutant.hint}`);
  }
  const ok = survived.length === 0;
  lines.push(
    '',
    ok
      ? `All ${exercise.mutants.length} broken copies caught.`
      : `${killed.length} of ${exercise.mutants.length} broken copies caught. Write a test that fails on each survivor.`,
  );
  return { passed: ok, text: lines.join('\n') };
}

/** The import of the subject from any test file: `../breaker/circuit-breaker`, with or without `.ts`. */
function subjectImportPattern(subject: string): string {
  return `(^|/)${escapeRegex(subject.replace(/\.ts$/, ''))}(\\.ts)?$`;
}
