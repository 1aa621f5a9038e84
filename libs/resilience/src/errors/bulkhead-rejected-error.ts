import { ResilienceError } from './resilience-error';

/**
 * Every slot of the policy's bulkhead was busy and its queue was full, so the call was refused at
 * once without reaching the dependency. Shedding the excess keeps a slow dependency from tying up
 * every request (and its memory) in the caller.
 */
export class BulkheadRejectedError extends ResilienceError {
  readonly code = 'BULKHEAD_FULL';

  constructor(
    policy: string,
    readonly maxConcurrent: number,
    readonly maxQueue: number,
  ) {
    super(`${policy}: bulkhead full (${maxConcurrent} running, ${maxQueue} queued), call refused`, policy);
  }
}
