#!/usr/bin/env node
import { errorMessage } from '@lab/common';
import { runCli } from './cli';

runCli(process.argv.slice(2), { env: process.env, stdout: process.stdout, stderr: process.stderr }).then(
  (code) => {
    process.exitCode = code;
    // Clients close their sockets; should one linger, it must not keep a finished command alive.
    setTimeout(() => process.exit(code), 2_000).unref();
  },
  (error: unknown) => {
    process.stderr.write(`config: ${errorMessage(error)}\n`);
    process.exitCode = 2;
  },
);
