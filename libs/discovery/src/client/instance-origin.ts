import { httpOrigin } from '@lab/common';
import type { ServiceInstance } from '../types';

// Memoised per instance object: the watched cache hands out the same objects until the instance
// changes, so each origin string is built once however many requests go to it (a hot-path cost for
// the gateway and every ServiceClient call).
const origins = new WeakMap<ServiceInstance, string>();

/** `http://host:port` of an instance, with IPv6 literals bracketed. */
export function instanceOrigin(instance: ServiceInstance): string {
  let origin = origins.get(instance);
  if (origin === undefined) {
    origin = httpOrigin(instance.address, instance.port);
    origins.set(instance, origin);
  }
  return origin;
}
