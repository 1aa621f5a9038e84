#!/usr/bin/env node
// Runs an embedded Postgres until SIGTERM/SIGINT. Prints {"url": ..., "port": ...} as one JSON line on
// stdout once it accepts connections, so a parent process can read the URL and hand it on.
import { startEmbeddedPostgres } from './embedded-postgres';
import { UsageError } from '@lab/common';
import { parseCliOptions, usage } from './cli-options';

async function main(): Promise<void> {
  const options = parseCliOptions(process.argv.slice(2));
  const db = await startEmbeddedPostgres(options);
  process.stdout.write(`${JSON.stringify({ url: db.url, port: db.port })}\n`);

  const stop = (): void => {
    db.close().then(
      () => process.exit(0),
      (error: unknown) => {
        process.stderr.write(`embedded-postgres: close failed: ${(error as Error).message}\n`);
        process.exit(1);
      },
    );
  };
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
}

main().catch((error: unknown) => {
  if (error instanceof UsageError) {
    process.stderr.write(`embedded-postgres: ${error.message}\n${usage}\n`);
    process.exit(2);
  }
  process.stderr.write(`embedded-postgres: ${(error as Error).message}\n`);
  process.exit(1);
});
