import { copyFileSync, existsSync, mkdirSync, readFileSync } from 'node:fs';
import path from 'node:path';

import { findNumberedFolder, listNumberedFolders, type NumberedFolder } from '../numbered-folders';
import { REPOSITORY_ROOT } from '../repository-root';
import type { ExerciseDefinition } from './exercise-definition';

export interface ExerciseFolder extends NumberedFolder {
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
  return listNumberedFolders(path.join(root, 'exercises'), ['README.md', 'exercise.ts']).map((folder) => ({
    ...folder,
    title: /^# (.+)$/m.exec(readFileSync(path.join(folder.dir, 'README.md'), 'utf8'))?.[1] ?? folder.name,
  }));
}

export function findExercise(number: number, root = REPOSITORY_ROOT): ExerciseFolder {
  return findNumberedFolder(listExercises(root), number, 'exercise', (message) => new UnknownExerciseError(message));
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
