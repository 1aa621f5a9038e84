#!/usr/bin/env node
import { runLoad } from './load-cli';

void runLoad(process.argv.slice(2), {
  env: process.env,
  out: (line) => console.log(line),
  err: (line) => console.error(line),
}).then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(`load: ${(error as Error).message}`);
    process.exit(2);
  },
);
