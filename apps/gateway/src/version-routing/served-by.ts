import type { ServiceInstance } from '@lab/discovery';

/**
 * The response header that names the instance which answered and its version, e.g.
 * `x-served-by: product-service-2; version=v2`: what a student (or the load CLI) reads to see a
 * canary split from the outside. An instance registered without a version gives its id alone.
 */
export const SERVED_BY_HEADER = 'x-served-by';

/** The version an instance registered (`meta.version`), '' when it gave none. */
export function instanceVersion(instance: ServiceInstance): string {
  return instance.meta.version ?? '';
}

// Built once per instance object: the watched cache keeps the same objects between changes.
const servedByValues = new WeakMap<ServiceInstance, string>();

export function servedBy(instance: ServiceInstance): string {
  let value = servedByValues.get(instance);
  if (value === undefined) {
    const version = instanceVersion(instance);
    value = version === '' ? instance.id : `${instance.id}; version=${version}`;
    servedByValues.set(instance, value);
  }
  return value;
}
