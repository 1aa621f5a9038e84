import { runMain } from './cli-main';
import { labCli } from './lab/lab-cli';

/** `npm run lab -- list | check <n> | run <n>` */
runMain(labCli);
