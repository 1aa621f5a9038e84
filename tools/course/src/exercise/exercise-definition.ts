/** An exercise where the student writes code, graded by the exercise's own tests. */
export interface ImplementationExercise {
  kind: 'implementation';
  /** The files the student writes, as they are in starter/, solution/ and work/. */
  files: string[];
  /**
   * The grading test files, relative to the exercise folder. They load the graded copy from the
   * directory named in EXERCISE_SUBMISSION_DIR. A test may attach a hint for the student by starting
   * its error message with a line `Hint: ...`.
   */
  grading: string[];
}

/** A deliberate bug in the code under test: what the student's tests must catch. */
export interface Mutant {
  /** Short and stable, as `never-opens`. */
  id: string;
  /** What is wrong with this copy, for a student: "never opens, however many calls fail". */
  bug: string;
  /** What a surviving mutant says about the tests, and which test would catch it. */
  hint: string;
  /** Text replacements on the correct source; each `find` must occur in it exactly once. */
  edits: Array<{ find: string; replace: string }>;
}

/**
 * An exercise where the student writes tests, graded by mutation: the tests must pass on the
 * correct code and fail on each of several deliberately broken copies of it.
 */
export interface TestWritingExercise {
  kind: 'tests';
  /** The student's test files, as they are in starter/, solution/ and work/. */
  files: string[];
  /** The code under test, relative to the exercise folder; the student's tests import it by this path. */
  subject: string;
  mutants: Mutant[];
}

/** An exercise folder's `exercise.ts` exports `exercise` of this type. */
export type ExerciseDefinition = ImplementationExercise | TestWritingExercise;
