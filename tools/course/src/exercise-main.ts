import { runMain } from './cli-main';
import { exerciseCli } from './exercise/exercise-cli';

/** `npm run exercise -- list | start <n> | check <n> [--solution | --starter | --dir <path>]` */
runMain(exerciseCli);
