import type { ExerciseDefinition } from '@lab/course';

export const exercise: ExerciseDefinition = {
  kind: 'implementation',
  files: ['registry-client.ts'],
  grading: ['grading/registry-client.grading.ts'],
};
