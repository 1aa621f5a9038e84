import { TimeoutError } from '../errors/TimeoutError';

/**
 * Runs one attempt with its own AbortController. At the deadline the signal is aborted (so
 * fetch, undici, pg and friends stop the work) and the attempt rejects with TimeoutError at
 * once, whether or not `fn` honours the signal.
 */
export function runWithTimeout<T>(
  fn: (signal: AbortSignal) => Promise<T>,
  policy: string,
  timeoutMs: number,
  onTimeout?: (error: TimeoutError) => void,
): Promise<T> {
  const controller = new AbortController();
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => {
      const error = new TimeoutError(policy, timeoutMs);
      controller.abort(error);
      onTimeout?.(error);
      reject(error);
    }, timeoutMs);
    const settle = () => clearTimeout(timer);
    let pending: Promise<T>;
    try {
      pending = fn(controller.signal);
    } catch (error) {
      settle();
      reject(error);
      return;
    }
    // After a timeout these calls are no-ops: the promise has already rejected.
    Promise.resolve(pending).then(
      (value) => {
        settle();
        resolve(value);
      },
      (error: unknown) => {
        settle();
        reject(error);
      },
    );
  });
}
