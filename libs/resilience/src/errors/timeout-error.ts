import { ResilienceError } from './resilience-error';

/** One attempt took longer than the policy's timeout; its AbortSignal has been aborted. */
export class TimeoutError extends ResilienceError {
  readonly code = 'TIMEOUT';

  constructor(
    policy: string,
    readonly timeoutMs: number,
  ) {
    super(`${policy}: call timed out after ${timeoutMs}ms`, policy);
  }
}
