// What your registry client promises: the types it takes and returns, and the errors it throws.
// The grading tests are written against this file; change your client, not this.

/** One instance of a service, as discover() and next() return it. */
export interface Instance {
  /** Unique per instance, such as payments-1. */
  id: string;
  /** The service it belongs to, shared by all its instances, such as payments. */
  name: string;
  address: string;
  port: number;
  tags: string[];
  meta: Record<string, string>;
}

/** What register() tells the registry about an instance. */
export interface Registration {
  id: string;
  name: string;
  address: string;
  port: number;
  /** The URL the registry probes to decide whether the instance is healthy, such as http://127.0.0.1:9101/health. */
  healthCheckUrl: string;
  tags?: string[];
  meta?: Record<string, string>;
  /** How often the registry probes healthCheckUrl, as a Consul duration ("10s", "500ms"). Default "10s". */
  checkInterval?: string;
  /** The registry removes the instance once its check has been failing this long. Default "1m". */
  deregisterCriticalServiceAfter?: string;
}

export interface RegistryClientOptions {
  /** Consul's HTTP API, such as http://127.0.0.1:8500. */
  registryUrl: string;
  /** The ACL token, sent as the X-Consul-Token header on every request. */
  token?: string;
  /** How many times register() tries while the registry cannot be reached. Default 5. */
  registerAttempts?: number;
  /** The wait before register()'s first retry; each further wait is twice the one before. Default 200. */
  retryDelayMs?: number;
  /** How long next() skips an instance after reportFailure(). Default 30000. */
  failureCooldownMs?: number;
  /** Deadline of one request to the registry. Default 2000. */
  requestTimeoutMs?: number;
  /** The clock for the cooldown, in milliseconds. Default Date.now; the grading tests pass a fake one. */
  now?: () => number;
}

/** The registry could not be reached (no connection, no answer in time, or a 5xx), and nothing cached helps. */
export class RegistryUnavailableError extends Error {
  override readonly name = 'RegistryUnavailableError';
}

/** The registry answered, but refused the request (a 4xx, such as 403 for a wrong token). Retrying will not help. */
export class RegistryRejectedError extends Error {
  override readonly name = 'RegistryRejectedError';
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

/** next() found no instance it may call. */
export class NoHealthyInstanceError extends Error {
  override readonly name = 'NoHealthyInstanceError';
}
