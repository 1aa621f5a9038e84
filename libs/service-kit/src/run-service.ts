import { ConfigError } from '@lab/config';
import type { z } from 'zod';
import { describeService } from './config/describe-config';
import type { ServiceDefinition } from './define-service';
import { errorCode } from './http/dependency-errors';
import { serializeError } from './http/logger';
import { startService, type RunningService } from './start-service';

const SIGNALS = ['SIGTERM', 'SIGINT'] as const;

/** One JSON line on stderr, for failures that happen before (or without) the service's logger. */
function writeFatal(name: string, msg: string, error: unknown): void {
  process.stderr.write(`${JSON.stringify({ level: 'fatal', service: name, msg, err: serializeError(error) })}\n`);
}

function startupFailure(name: string, error: unknown): void {
  if (error instanceof ConfigError || errorCode(error) === 'CONFIG_INVALID') {
    // One message naming every bad variable, meant for a human reading the terminal or pod log.
    process.stderr.write(`${name}: ${(error as Error).message}\n`);
  } else {
    writeFatal(name, 'start-up failed', error);
  }
  process.exit(1);
}

/** A crash is logged like any other error (message and code, no stack) before the process dies. */
function crash(name: string, service: RunningService | undefined, error: unknown): void {
  if (service) service.ctx.log.fatal({ err: error }, 'uncaught error; exiting');
  else writeFatal(name, 'uncaught error; exiting', error);
  process.exit(1);
}

export const DESCRIBE_CONFIG_FLAG = '--describe-config';

/** The reason a start was abandoned: a signal arrived before it finished. */
class StartAbortedError extends Error {
  readonly code = 'START_ABORTED';

  constructor(readonly signal: NodeJS.Signals) {
    super(`${signal} while starting`);
    this.name = 'StartAbortedError';
  }
}

/**
 * The whole of an app's main.ts: start the service, then on SIGTERM/SIGINT shut down gracefully
 * and exit 0 (1 when shutdown fails or outlives SHUTDOWN_TIMEOUT_MS). A second signal exits at once.
 * With `--describe-config` it prints the service's variables and probe paths as JSON instead and
 * starts nothing, so deployment manifests can be checked against the code.
 */
export function runService<C extends z.ZodObject, D extends z.ZodObject>(def: ServiceDefinition<C, D>): void {
  if (process.argv.includes(DESCRIBE_CONFIG_FLAG)) {
    process.stdout.write(`${JSON.stringify(describeService(def, process.env), null, 2)}\n`);
    return;
  }
  let service: RunningService | undefined;
  let signalled = false;
  // A start may wait long for its database (DATABASE_STARTUP_TIMEOUT): a signal then abandons it.
  const starting = new AbortController();

  function onSignal(signal: NodeJS.Signals): void {
    if (signalled) {
      service?.ctx.log.warn({ signal }, 'second signal: exiting without finishing shutdown');
      process.exit(1);
    }
    signalled = true;
    if (!service) {
      // Still starting: the start continuation below stops what has started, or the abort ends the wait.
      starting.abort(new StartAbortedError(signal));
      return;
    }
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
  process.on('uncaughtException', (error) => crash(def.name, service, error));
  process.on('unhandledRejection', (reason) => crash(def.name, service, reason));

  startService(def, { signal: starting.signal }).then(
    (running) => {
      service = running;
      if (signalled) shutdown(running, undefined);
    },
    (error: unknown) => {
      if (error instanceof StartAbortedError) {
        // Asked to stop while starting: what had started was closed again; not a failure.
        process.stderr.write(
          `${JSON.stringify({ level: 'info', service: def.name, msg: `${error.signal} while starting: stopped` })}\n`,
        );
        process.exit(0);
      }
      startupFailure(def.name, error);
    },
  );
}
