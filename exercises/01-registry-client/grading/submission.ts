import path from 'node:path';

import type * as Reference from '../solution/registry-client.ts';

/**
 * The copy of the exercise being graded: your work/, the untouched starter/ or the solution/.
 * `npm run exercise -- check 1` names it in EXERCISE_SUBMISSION_DIR. Every copy has the shape of the
 * reference solution, which gives the type.
 */
export async function loadSubmission(): Promise<typeof Reference> {
  const dir = process.env.EXERCISE_SUBMISSION_DIR;
  if (!dir) throw new Error('grade through `npm run exercise -- check 1`, which says which copy to grade');
  return import(path.join(dir, 'registry-client.ts'));
}

/** Wraps a test so that its failure carries a hint for the student; the grader prints it under the test. */
export function graded(hint: string, test: () => Promise<void>): () => Promise<void> {
  return async () => {
    try {
      await test();
    } catch (error) {
      // The original message follows the hint; Jest's own printing of the error would repeat it.
      throw new Error(`Hint: ${hint}\n${error instanceof Error ? error.message : String(error)}`);
    }
  };
}
