import { silentLogger, type Logger } from './Logger';
import { resolvePolicyOptions, type PolicyOptions, type PolicyOverrides } from './options';
import { CircuitBreakerPolicy, type BreakerState, type BreakerStats } from './policies/breaker';
import { retry } from './policies/retry';
import { runWithTimeout } from './policies/timeout';

export interface ExecuteOptions {
  /** Only idempotent calls are retried: repeating a non-idempotent one may do its work twice. */
  idempotent?: boolean;
}

export interface CallPolicySnapshot extends BreakerStats {
  name: string;
  state: BreakerState;
  fallbacks?: number;
}

export interface CallPolicy {
  readonly name: string;
  execute<T>(fn: (signal: AbortSignal) => Promise<T>, opts?: ExecuteOptions): Promise<T>;
  state(): BreakerState;
  snapshot(): CallPolicySnapshot;
  shutdown(): void;
}

export interface CallPolicyOptions extends PolicyOverrides {
  logger?: Logger;
  /** Whether an error counts against the breaker; default: every error does. */
  isFailure?: (error: unknown) => boolean;
  /** Source of jitter for the retry backoff; tests make it deterministic. */
  random?: () => number;
}

const everyErrorIsAFailure = (): boolean => true;

/**
 * The one place that composes resilience for a dependency, outermost first:
 * retry (idempotent calls only) -> circuit breaker -> per-attempt timeout -> fn(signal).
 * Each retry is a fresh trip through the breaker, so every attempt is counted and an open
 * breaker stops the retries.
 */
export function createCallPolicy(name: string, options: CallPolicyOptions = {}): CallPolicy {
  const resolved: PolicyOptions = resolvePolicyOptions(name, options);
  const logger = options.logger ?? silentLogger;
  const breaker = new CircuitBreakerPolicy(name, resolved.breaker, options.isFailure ?? everyErrorIsAFailure, logger);
  const recordTimeout = breaker.recordTimeout.bind(breaker);
  const retryHooks = {
    random: options.random,
    // Retrying into an open breaker would only wait a backoff to be rejected; surface the real error.
    shouldRetry: () => breaker.state() !== 'open',
    onRetry: ({ attempt, delayMs, error }: { attempt: number; delayMs: number; error: unknown }) =>
      logger.debug({ dependency: name, attempt, delayMs: Math.round(delayMs), err: describe(error) }, `retrying ${name}`),
  };

  return {
    name,
    execute<T>(fn: (signal: AbortSignal) => Promise<T>, opts?: ExecuteOptions): Promise<T> {
      const once = () => breaker.run(() => runWithTimeout(fn, name, resolved.timeoutMs, recordTimeout));
      return opts?.idempotent ? retry(once, resolved.retry, retryHooks) : once();
    },
    state: () => breaker.state(),
    snapshot: () => ({ name, state: breaker.state(), ...breaker.stats() }),
    shutdown: () => breaker.shutdown(),
  };
}

/** Message and code only: stacks and payloads stay out of logs. */
function describe(error: unknown): { message: string; code?: string } {
  if (!(error instanceof Error)) return { message: String(error) };
  const code = (error as { code?: unknown }).code;
  return typeof code === 'string' ? { message: error.message, code } : { message: error.message };
}
