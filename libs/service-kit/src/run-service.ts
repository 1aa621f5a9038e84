import { ConfigError } from '@lab/config';
import type { z } from 'zod';
import type { ServiceDefinition } from './define-service';
import { serializeError } from './http/logger';
import { startService, type RunningService } from './start-service';

const SIGNALS = ['SIGTERM', 'SIGINT'] as const;

function startupFailure(name: string, error: unknown): void {
  if (error instanceof ConfigError) {
    // One message naming every bad variable, meant for a human reading the terminal or pod log.
    process.stderr.write(`${name}: ${error.message}\n`);
  } else {
    process.stderr.write(`${JSON.stringify({ level: 'fatal', service: name, msg: 'start-up failed', err: serializeError(error) })}\n`);
  }
  process.exit(1);
}

/**
 * The whole of an app's main.ts: start the service, then on SIGTERM/SIGINT shut down gracefully
 * and exit 0 (1 when shutdown fails or outlives SHUTDOWN_TIMEOUT_MS). A second signal exits at once.
 */
export function runService<C extends z.ZodObject>(def: ServiceDefinition<C>): void {
  let service: RunningService | undefined;
  let signalled = false;

  function onSignal(signal: NodeJS.Signals): void {
    if (signalled) {
      service?.ctx.log.warn({ signal }, 'second signal: exiting without finishing shutdown');
      process.exit(1);
    }
    signalled = true;
    if (!service) return; // still starting: the start continuation below stops it
    shutdown(service, signal);
  }

  function shutdown(running: RunningService, signal: NodeJS.Signals | undefined): void {
    running.ctx.log.info({ signal }, 'stopping');
    running.stop().then(
      () => process.exit(0),
      (error: unknown) => {
        running.ctx.log.error({ err: error }, 'shutdown failed');
        process.exit(1);
      },
    );
  }

  for (const signal of SIGNALS) process.on(signal, onSignal);

  startService(def).then(
    (running) => {
      service = running;
      if (signalled) shutdown(running, undefined);
    },
    (error: unknown) => startupFailure(def.name, error),
  );
}
