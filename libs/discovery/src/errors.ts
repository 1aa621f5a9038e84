/** Base of every error this library throws; `code` is stable and safe to branch on. */
export abstract class DiscoveryError extends Error {
  abstract readonly code: string;

  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** The cache holds no healthy instance of the service (none registered, all failing, or unknown). */
export class NoHealthyInstanceError extends DiscoveryError {
  readonly code = 'NO_HEALTHY_INSTANCE';

  constructor(readonly service: string) {
    super(`no healthy instance of ${service}`);
  }
}

/** An instance answered with a 5xx status. Thrown so that breakers count it and retries move on. */
export class UpstreamStatusError extends DiscoveryError {
  readonly code = 'UPSTREAM_STATUS';

  constructor(
    readonly service: string,
    readonly status: number,
    readonly body: unknown,
    readonly instanceId?: string,
    /** From the answer's Retry-After header: a retry policy waits at least this long. */
    readonly retryAfterMs?: number,
  ) {
    super(`${service} answered ${status}`);
  }
}

/** Retry-After as milliseconds: delta-seconds or an HTTP date; undefined when absent or unreadable. */
export function retryAfterMs(header: string | string[] | undefined, now = Date.now()): number | undefined {
  const value = Array.isArray(header) ? header[0] : header;
  if (value === undefined || value.trim() === '') return undefined;
  if (/^\d+$/.test(value.trim())) return Number(value.trim()) * 1000;
  // Anything else must be an HTTP date ("Tue, 01 Jan 2030 00:00:05 GMT"), never a bare number.
  if (!/[a-z]/i.test(value)) return undefined;
  const at = Date.parse(value);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}

/** The request never got an answer: refused, reset, timed out or aborted. */
export class UpstreamConnectionError extends DiscoveryError {
  readonly code = 'UPSTREAM_CONNECTION';

  constructor(
    readonly service: string,
    detail: string,
    readonly instanceId?: string,
    options?: ErrorOptions,
  ) {
    super(`${service} unreachable: ${detail}`, options);
  }
}

/** The registry could not be reached, did not answer in time, or refused the call. */
export class RegistryUnavailableError extends DiscoveryError {
  readonly code = 'REGISTRY_UNAVAILABLE';

  constructor(
    message: string,
    readonly status?: number,
    options?: ErrorOptions,
  ) {
    super(message, options);
  }
}
