import type { Pool } from 'pg';
import { errorMessage } from '@lab/common';
import { expireDue } from './reservation-repository';

interface SweeperLogger {
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
}

export interface ReservationSweeper {
  /** Runs one sweep now (start-up, tests); resolves with how many reservations it expired. */
  sweepOnce(): Promise<number>;
  /** Stops the timer and waits for a sweep in progress to finish. */
  stop(): Promise<void>;
}

const BATCH_SIZE = 100;

/**
 * Expires overdue pending reservations every `intervalMs`. The timer is unref'd so that it never
 * keeps a process alive on its own, and sweeps never overlap: a slow sweep makes the next tick a
 * no-op instead of piling up transactions.
 */
export function startReservationSweeper(o: { pool: Pool; intervalMs: number; log: SweeperLogger }): ReservationSweeper {
  let running: Promise<number> | undefined;

  async function sweep(): Promise<number> {
    let total = 0;
    // Batches keep each transaction short; a full batch means there may be more waiting.
    for (;;) {
      const expired = await expireDue(o.pool, BATCH_SIZE);
      total += expired;
      if (expired < BATCH_SIZE) break;
    }
    if (total > 0) o.log.info({ expired: total }, 'expired overdue reservations and returned their stock');
    return total;
  }

  function sweepOnce(): Promise<number> {
    running ??= sweep().finally(() => {
      running = undefined;
    });
    return running;
  }

  const timer = setInterval(() => {
    if (running) return;
    sweepOnce().catch((err: unknown) => {
      o.log.warn({ error: errorMessage(err) }, 'reservation sweep failed; retrying on the next tick');
    });
  }, o.intervalMs);
  timer.unref();

  return {
    sweepOnce,
    async stop() {
      clearInterval(timer);
      await running?.catch(() => undefined);
    },
  };
}
