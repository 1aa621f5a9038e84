#!/usr/bin/env node
// Runs the dev registry until SIGTERM/SIGINT, logging one JSON line per event.
import pino from 'pino';
import { CliUsageError, parseCliOptions, usage } from './cli-options';
import { startDevRegistry } from './index';

async function main(): Promise<void> {
  const { logLevel, eurekaSelfPreservation, eurekaEvictionIntervalMs, ...options } = parseCliOptions(
    process.argv.slice(2),
    process.env,
  );
  // Synchronous writes: few lines, kept in order, and none lost to process.exit().
  const logger = pino({ name: 'dev-registry', level: logLevel }, pino.destination({ sync: true }));
  const eureka = { selfPreservation: eurekaSelfPreservation, evictionIntervalMs: eurekaEvictionIntervalMs };
  const registry = await startDevRegistry({ ...options, eureka, logger });

  const stop = (signal: NodeJS.Signals): void => {
    logger.info({ signal }, 'shutting down');
    registry.close().then(
      () => process.exit(0),
      (error: unknown) => {
        logger.error({ err: (error as Error).message }, 'close failed');
        process.exit(1);
      },
    );
  };
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
}

main().catch((error: unknown) => {
  if (error instanceof CliUsageError) {
    process.stderr.write(`dev-registry: ${error.message}\n${usage}\n`);
    process.exit(2);
  }
  process.stderr.write(`dev-registry: ${(error as Error).message}\n`);
  process.exit(1);
});
