/**
 * Errors from @lab/discovery and @lab/resilience that mean "a dependency is unavailable". They are
 * recognised by their string `code` so the mapping holds whichever copy of a lib threw them.
 */
const DEPENDENCY_FAILURE_CODES: Readonly<Record<string, string>> = {
  NO_HEALTHY_INSTANCE: 'has no healthy instance',
  UPSTREAM_CONNECTION: 'could not be reached',
  UPSTREAM_STATUS: 'answered with a server error',
  REGISTRY_UNAVAILABLE: 'could not be looked up (service registry unavailable)',
  CIRCUIT_OPEN: 'is failing (circuit open)',
  TIMEOUT: 'did not answer in time',
  JWKS_UNAVAILABLE: 'could not provide its signing keys',
  SERVICE_CREDENTIAL_UNAVAILABLE: 'could not issue a service token',
  BULKHEAD_FULL: 'is saturated (too many calls in flight)',
  POLICY_SHUT_DOWN: 'is no longer called (shutting down)',
};

/**
 * Errors from the service's own database that mean "unavailable", not "bug": the connection could
 * not be made or was lost (network codes from `pg`, SQLSTATE class 08, server shutting down or
 * refusing connections), or the pool could not hand out a connection in time.
 */
const DATABASE_UNAVAILABLE_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'EHOSTUNREACH',
  // The server's name does not resolve (yet): a container or Service not created so far.
  'ENOTFOUND',
  'EAI_AGAIN',
  '57P01',
  '57P02',
  '57P03',
  '53300',
]);
const DATABASE_UNAVAILABLE_MESSAGES =
  /timeout exceeded when trying to connect|Connection terminated|Client has encountered a connection error/;

/** Whether `error` means the service's own database cannot be reached now (as opposed to a bug or bad SQL). */
export function isDatabaseUnavailable(error: unknown): boolean {
  const code = errorCode(error);
  return (
    (code !== undefined && (DATABASE_UNAVAILABLE_CODES.has(code) || code.startsWith('08'))) ||
    (error instanceof Error && DATABASE_UNAVAILABLE_MESSAGES.test(error.message))
  );
}

/** The 503 detail when the service's own database is unreachable, or undefined. */
export function databaseFailureDetail(error: unknown): string | undefined {
  return isDatabaseUnavailable(error) ? 'The service database is unavailable' : undefined;
}

const dependencyKey = Symbol('lab.dependency');

interface TaggedError {
  [dependencyKey]?: string;
}

/** Remembers which dependency an error came from, so the 503 can name it. */
export function tagDependency(error: unknown, dependency: string): unknown {
  if (typeof error === 'object' && error !== null && !(dependencyKey in error)) {
    Object.defineProperty(error, dependencyKey, { value: dependency, enumerable: false });
  }
  return error;
}

export function errorCode(error: unknown): string | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  const code = (error as { code?: unknown }).code;
  return typeof code === 'string' ? code : undefined;
}

/** The 503 detail for a dependency failure, or undefined when `error` is not one. */
export function dependencyFailureDetail(error: unknown): string | undefined {
  const code = errorCode(error);
  const reason = code === undefined ? undefined : DEPENDENCY_FAILURE_CODES[code];
  if (reason === undefined) return undefined;
  // A 4xx from a neighbour is returned, not thrown; should one be thrown anyway it is our bug, not an outage.
  if (code === 'UPSTREAM_STATUS' && Number((error as { status?: unknown }).status) < 500) return undefined;
  const tagged = (error as TaggedError)[dependencyKey];
  const named = tagged ?? serviceNamedBy(error);
  return named ? `Dependency ${named} ${reason}` : `A dependency ${reason}`;
}

function serviceNamedBy(error: unknown): string | undefined {
  const candidate = error as { service?: unknown; serviceName?: unknown; policy?: unknown };
  for (const value of [candidate.service, candidate.serviceName, candidate.policy]) {
    if (typeof value === 'string' && value.length > 0) return value;
  }
  return undefined;
}
