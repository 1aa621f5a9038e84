import { backoffDelay, errorMessage, type Logger, silentLogger, sleep } from '@lab/common';
import type { ServiceRegistration, ServiceRegistry } from '../types';

export interface RegisterWithRetryOptions {
  /** Stops retrying; the returned promise then rejects with the signal's reason. */
  signal?: AbortSignal;
  logger?: Logger;
  /** Longest pause between attempts. Default 5000. */
  maxDelayMs?: number;
  /** For tests: the source of jitter. */
  random?: () => number;
}

const BASE_DELAY_MS = 200;

/**
 * Registers, and keeps trying with jittered exponential backoff until the registry accepts. A
 * service that starts before its registry (compose, Kubernetes) thus joins as soon as it can.
 */
export async function registerWithRetry(
  registry: ServiceRegistry,
  registration: ServiceRegistration,
  o: RegisterWithRetryOptions = {},
): Promise<void> {
  const logger = o.logger ?? silentLogger;
  const backoff = { baseDelayMs: BASE_DELAY_MS, maxDelayMs: o.maxDelayMs ?? 5000, jitter: 'equal' as const };
  for (let attempt = 0; ; attempt++) {
    o.signal?.throwIfAborted();
    try {
      await registry.register(registration);
      if (attempt > 0)
        logger.info({ service: registration.name, id: registration.id, attempts: attempt + 1 }, 'registered');
      return;
    } catch (error) {
      o.signal?.throwIfAborted();
      const delayMs = backoffDelay(attempt + 1, backoff, o.random);
      logger.warn(
        {
          service: registration.name,
          id: registration.id,
          attempt: attempt + 1,
          retryInMs: delayMs,
          err: errorMessage(error),
        },
        'registration failed; retrying',
      );
      await sleep(delayMs, o.signal);
    }
  }
}
