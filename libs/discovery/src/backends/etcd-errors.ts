import { RegistryUnavailableError } from '../errors';
import { describeError } from '@lab/common';

/** Every failure of an etcd call, as the one error type callers of a registry handle. */
export function etcdUnavailable(what: string, error: unknown): RegistryUnavailableError {
  if (error instanceof RegistryUnavailableError) return error;
  return new RegistryUnavailableError(`etcd ${what} failed: ${describeError(error)}`, undefined, { cause: error });
}
