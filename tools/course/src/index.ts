// The course's machinery: labs as executable documents, checkpoints against a running stack, and
// the exercises' graders. `npm run lab` and `npm run exercise` are its commands.
export type { Checkpoint, CheckpointResult, LabDefinition, LabInstance, LabSystem } from './lab/lab-definition';
export { readLabDocument, LabDocumentError } from './lab/lab-document';
export type { CommandBlock, Expectation, LabDocument, LabStep } from './lab/lab-document';
export { compileExpectedOutput, matchOutput, ExpectationSyntaxError, PLACEHOLDERS } from './lab/expected-output';
export type { ExpectedOutput, OutputMatch } from './lab/expected-output';
export { runLab, formatLabFailure } from './lab/run-lab';
export type { LabFailure, LabRunOptions, LabRunResult } from './lab/run-lab';
export { checkCheckpoints, formatCheckpointReport } from './lab/check-checkpoints';
export type { CheckpointOutcome, CheckpointReport } from './lab/check-checkpoints';
export { labSystemFromEnv, LabEnvironmentError, SystemRequestError } from './lab/lab-system';
export { startLabStack } from './lab/lab-stack';
export type { LabStack } from './lab/lab-stack';
export { listLabs, findLab, loadLabDocument, loadLabDefinition, UnknownLabError } from './lab/labs';
export type { LabFolder } from './lab/labs';
export { BashSession, CommandTimeoutError } from './shell/bash-session';
export { REPOSITORY_ROOT } from './repository-root';
export type {
  ExerciseDefinition,
  ImplementationExercise,
  Mutant,
  TestWritingExercise,
} from './exercise/exercise-definition';
export {
  listExercises,
  findExercise,
  loadExerciseDefinition,
  startExercise,
  UnknownExerciseError,
} from './exercise/exercises';
export type { ExerciseFolder } from './exercise/exercises';
export { grade } from './exercise/grade';
export type { GradeOptions, GradeReport, Submission } from './exercise/grade';
export { applyMutant, MutantDefinitionError } from './exercise/mutants';
