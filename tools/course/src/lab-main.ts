import { runCommandMain } from '@lab/common';

import { labCli } from './lab/lab-cli';

/** `npm run lab -- list | check <n> | run <n>` */
void runCommandMain('lab', labCli);
