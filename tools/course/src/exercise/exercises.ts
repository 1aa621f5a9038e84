import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';

import { REPOSITORY_ROOT } from '../repository-root';
import type { ExerciseDefinition } from './exercise-definition';

export interface ExerciseFolder {
  number: number;
  /** e.g. "01-registry-client" */
  name: string;
  dir: string;
  /** The README's first heading. */
  title: string;
}

export class UnknownExerciseError extends Error {
  override readonly name = 'UnknownExerciseError';
}

/** The copies of an exercise a grader can grade. */
export const COPIES = {
  /** The student's own, made by `exercise start`. */
  work: 'work',
  /** The skeleton as shipped; never edited. */
  starter: 'starter',
  /** The reference solution. */
  solution: 'solution',
} as const;

/** Every `exercises/NN-name/` folder holding a README.md and an exercise.ts, by number. */
export function listExercises(root = REPOSITORY_ROOT): ExerciseFolder[] {
  const dir = path.join(root, 'exercises');
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { withFileTypes: true })
    .filter((e) => e.isDirectory() && /^\d{2}-/.test(e.name))
    .map((e) => path.join(dir, e.name))
    .filter((d) => existsSync(path.join(d, 'README.md')) && existsSync(path.join(d, 'exercise.ts')))
    .map((d) => ({
      number: Number(path.basename(d).slice(0, 2)),
      name: path.basename(d),
      dir: d,
      title: /^# (.+)$/m.exec(readFileSync(path.join(d, 'README.md'), 'utf8'))?.[1] ?? path.basename(d),
    }))
    .sort((a, b) => a.number - b.number);
}

export function findExercise(number: number, root = REPOSITORY_ROOT): ExerciseFolder {
  const found = listExercises(root).find((e) => e.number === number);
  if (!found) {
    const known = listExercises(root).map((e) => e.number);
    throw new UnknownExerciseError(`there is no exercise ${number} (exercises: ${known.join(', ') || 'none'})`);
  }
  return found;
}

/** The exercise's `exercise.ts`, loaded as it is (Node runs TypeScript that only needs its types removed). */
export async function loadExerciseDefinition(folder: ExerciseFolder): Promise<ExerciseDefinition> {
  // An absolute path rather than a file: URL, which Jest's module loader (the tests) would not take.
  const loaded = (await import(path.join(folder.dir, 'exercise.ts'))) as { exercise?: ExerciseDefinition };
  if (!loaded.exercise) throw new Error(`exercises/${folder.name}/exercise.ts must export const exercise`);
  return loaded.exercise;
}

/**
 * Copies the starter files into work/, where the student writes. An existing copy is never
 * overwritten: then nothing is copied and the files already there are named.
 */
export function startExercise(
  folder: ExerciseFolder,
  exercise: ExerciseDefinition,
): { created: string[] } | { existing: string[] } {
  const work = path.join(folder.dir, COPIES.work);
  const existing = exercise.files.map((f) => path.join(work, f)).filter((f) => existsSync(f));
  if (existing.length > 0) return { existing };
  mkdirSync(work, { recursive: true });
  return {
    created: exercise.files.map((f) => {
      const target = path.join(work, f);
      copyFileSync(path.join(folder.dir, COPIES.starter, f), target);
      return target;
    }),
  };
}
