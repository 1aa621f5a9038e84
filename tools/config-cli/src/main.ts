#!/usr/bin/env node
import { runCommandMain } from '@lab/common';
import { runCli } from './cli';

// runCli writes texts to streams rather than lines to a console: it gets the process's own.
void runCommandMain('config', (argv, { env }) => runCli(argv, { env, stdout: process.stdout, stderr: process.stderr }));
