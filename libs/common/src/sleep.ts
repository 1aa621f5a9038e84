/**
 * Waits `ms`. When `signal` aborts (or has already), rejects at once with the signal's reason, as
 * `node:timers/promises` does, so a loop that sleeps between attempts ends the moment it is closed
 * and the caller decides whether that is an error. Runs on the global timers, which Jest's fake
 * timers drive (they do not reach `node:timers/promises`).
 */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) {
      reject(signal.reason);
      return;
    }
    const onAbort = (): void => {
      clearTimeout(timer);
      reject(signal?.reason);
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
