import { existsSync } from 'node:fs';
import path from 'node:path';

import type { CommandIo } from '@lab/common';
import { REPOSITORY_ROOT } from '../repository-root';
import { grade, type Submission } from './grade';
import {
  COPIES,
  findExercise,
  listExercises,
  loadExerciseDefinition,
  startExercise,
  UnknownExerciseError,
} from './exercises';

export const EXERCISE_USAGE = `Usage: npm run exercise -- <command>

  list                     the exercises
  start <n>                copies exercise n's starter files into its work/ folder, where you write
  check <n>                grades your work/ copy: what passes, what fails, a hint per failure
  check <n> --solution     grades the reference solution instead
  check <n> --starter      grades the untouched starter (it fails: nothing is written yet)
  check <n> --dir <path>   grades the copy in another folder
  --verbose                also prints Jest's own report and your tests' console output`;

/** `npm run exercise -- ...`; resolves with the exit code (0 passed, 1 not yet, 2 usage). */
export async function exerciseCli(args: string[], io: CommandIo): Promise<number> {
  const verbose = args.includes('--verbose');
  const [command, number, ...rest] = args.filter((a) => a !== '--verbose');
  if (command === undefined || command === '--help' || command === '-h') {
    io.out(EXERCISE_USAGE);
    return command === undefined ? 2 : 0;
  }
  try {
    if (command === 'list') {
      for (const e of listExercises()) io.out(`${e.number}  ${e.title}   (exercises/${e.name})`);
      return 0;
    }
    if ((command !== 'start' && command !== 'check') || !/^\d+$/.test(number ?? '')) {
      io.err(EXERCISE_USAGE);
      return 2;
    }
    const folder = findExercise(Number(number));
    const exercise = await loadExerciseDefinition(folder);
    const relative = (dir: string) => path.relative(REPOSITORY_ROOT, dir) || '.';

    if (command === 'start') {
      if (rest.length > 0) {
        io.err(EXERCISE_USAGE);
        return 2;
      }
      const started = startExercise(folder, exercise);
      if ('existing' in started) {
        io.err(
          `${started.existing.map(relative).join(', ')} exists already: your work is kept. ` +
            'Delete it to start again from the starter.',
        );
        return 1;
      }
      io.out(
        `${folder.title}\n\nYour copy: ${started.created.map(relative).join(', ')}` +
          `\nRead exercises/${folder.name}/README.md, replace the TODOs, then: npm run exercise -- check ${folder.number}`,
      );
      return 0;
    }

    const submission = chooseSubmission(folder.dir, rest, relative);
    if ('usage' in submission) {
      io.err(submission.usage);
      return 2;
    }
    const missing = exercise.files.filter((f) => !existsSync(path.join(submission.dir, f)));
    if (missing.length > 0) {
      const start = submission.dir === path.join(folder.dir, COPIES.work);
      io.err(
        start
          ? `You have not started exercise ${folder.number} yet: npm run exercise -- start ${folder.number}`
          : `${relative(submission.dir)} has no ${missing.join(', ')}`,
      );
      return 1;
    }
    const report = await grade(folder, exercise, submission, { verbose });
    io.out(report.text);
    return report.passed ? 0 : 1;
  } catch (error) {
    if (error instanceof UnknownExerciseError) {
      io.err(error.message);
      return 2;
    }
    throw error;
  }
}

function chooseSubmission(
  exerciseDir: string,
  flags: string[],
  relative: (dir: string) => string,
): Submission | { usage: string } {
  const copy = (name: string, label: string) => ({ dir: path.join(exerciseDir, name), label });
  if (flags.length === 0) return copy(COPIES.work, `your copy in ${relative(path.join(exerciseDir, COPIES.work))}/`);
  if (flags.length === 1 && flags[0] === '--solution') return copy(COPIES.solution, 'the reference solution');
  if (flags.length === 1 && flags[0] === '--starter') return copy(COPIES.starter, 'the untouched starter');
  if (flags.length === 2 && flags[0] === '--dir') {
    const dir = path.resolve(flags[1]);
    return { dir, label: `${relative(dir)}/` };
  }
  return { usage: EXERCISE_USAGE };
}
