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
