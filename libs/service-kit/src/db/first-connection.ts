import { backoffDelay, errorMessage, sleep } from '@lab/common';
import type pg from 'pg';
import type { Logger } from 'pino';
import { isDatabaseUnavailable } from '../http/dependency-errors';

/** The database did not accept a connection within DATABASE_STARTUP_TIMEOUT. */
export class DatabaseUnreachableError extends Error {
  readonly code = 'DATABASE_UNREACHABLE';

  constructor(timeoutMs: number, cause: unknown) {
    const why = errorMessage(cause);
    super(`no connection to the database within DATABASE_STARTUP_TIMEOUT (${timeoutMs} ms): ${why}`, { cause });
    this.name = 'DatabaseUnreachableError';
  }
}

export interface FirstConnectionOptions {
  timeoutMs: number;
  log: Logger;
  /** Aborts the wait (a SIGTERM while starting). */
  signal?: AbortSignal;
  /** Waits between attempts: 250 ms doubling to 4 s, jittered. */
  backoff?: { baseDelayMs: number; maxDelayMs: number };
}

const DEFAULT_BACKOFF = { baseDelayMs: 250, maxDelayMs: 4000 };

/**
 * Resolves once the pool has made one connection. A database that is not reachable yet (refused,
 * not resolvable, starting up) is tried again until `timeoutMs` has passed, each failure logged at
 * warn: an orchestrator starting the app beside its database then sees "starting" on the startup
 * probe instead of a crash loop. Anything else (a wrong password, a missing database) fails at once.
 */
export async function waitForFirstConnection(pool: pg.Pool, o: FirstConnectionOptions): Promise<void> {
  const started = Date.now();
  const backoff = o.backoff ?? DEFAULT_BACKOFF;
  for (let attempt = 1; ; attempt++) {
    o.signal?.throwIfAborted();
    try {
      const client = await pool.connect();
      client.release();
      if (attempt > 1) o.log.info({ attempts: attempt, waitedMs: Date.now() - started }, 'database reachable');
      return;
    } catch (error) {
      if (!isDatabaseUnavailable(error)) throw error;
      const left = o.timeoutMs - (Date.now() - started);
      if (left <= 0) throw new DatabaseUnreachableError(o.timeoutMs, error);
      const pause = Math.min(backoffDelay(attempt, backoff), left);
      o.log.warn(
        { attempt, err: error, retryInMs: Math.round(pause) },
        'database not reachable yet; start-up keeps trying',
      );
      // An abort rejects with the reason the caller gave.
      await sleep(pause, o.signal);
    }
  }
}
