import { runCommandMain } from '@lab/common';

import { exerciseCli } from './exercise/exercise-cli';

/** `npm run exercise -- list | start <n> | check <n> [--solution | --starter | --dir <path>]` */
void runCommandMain('exercise', exerciseCli);
