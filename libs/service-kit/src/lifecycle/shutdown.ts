import type { Logger } from 'pino';

/** Graceful shutdown did not finish within SHUTDOWN_TIMEOUT_MS. */
export class ShutdownTimeoutError extends Error {
  readonly code = 'SHUTDOWN_TIMEOUT';

  constructor(timeoutMs: number) {
    super(`graceful shutdown did not finish within ${timeoutMs}ms`);
    this.name = 'ShutdownTimeoutError';
  }
}

/**
 * Runs the shutdown sequence; if it outlives `timeoutMs`, forces the rest (`force`, e.g. closing
 * every connection) and rejects so the caller can exit non-zero.
 */
export async function stopWithin(
  timeoutMs: number,
  log: Logger,
  sequence: () => Promise<void>,
  force: () => void,
): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const expired = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      log.error({ timeoutMs }, 'graceful shutdown timed out; closing connections');
      force();
      reject(new ShutdownTimeoutError(timeoutMs));
    }, timeoutMs);
    timer.unref();
  });
  try {
    await Promise.race([sequence(), expired]);
  } finally {
    clearTimeout(timer);
  }
}

/** ctx.onShutdown callbacks: run after draining, last registered first, each failure logged. */
export class ShutdownHooks {
  private readonly hooks: Array<() => Promise<void> | void> = [];

  add(hook: () => Promise<void> | void): void {
    this.hooks.push(hook);
  }

  async run(log: Logger): Promise<void> {
    for (let hook = this.hooks.pop(); hook !== undefined; hook = this.hooks.pop()) {
      try {
        await hook();
      } catch (error) {
        log.error({ err: error }, 'shutdown hook failed');
      }
    }
  }
}
