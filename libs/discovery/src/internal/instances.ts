import type { InstanceFilter, ServiceInstance } from '../types';

/** Consul's rule: every requested tag must be present, and every requested meta pair equal. */
export function matchesFilter(instance: ServiceInstance, filter: InstanceFilter | undefined): boolean {
  if (filter === undefined) return true;
  if (filter.tags !== undefined) {
    for (const tag of filter.tags) if (!instance.tags.includes(tag)) return false;
  }
  if (filter.meta !== undefined) {
    for (const key of Object.keys(filter.meta)) if (instance.meta[key] !== filter.meta[key]) return false;
  }
  return true;
}

export function byId(a: ServiceInstance, b: ServiceInstance): number {
  return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}

/**
 * True when both lists (sorted by id) describe the same instances: same ids, addresses, ports, tags
 * and meta. Used to tell a real change from a blocking query that merely timed out.
 */
export function sameInstances(a: readonly ServiceInstance[], b: readonly ServiceInstance[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (!sameInstance(a[i], b[i])) return false;
  return true;
}

function sameInstance(a: ServiceInstance, b: ServiceInstance): boolean {
  if (a.id !== b.id || a.name !== b.name || a.address !== b.address || a.port !== b.port) return false;
  if (a.tags.length !== b.tags.length || a.tags.some((tag, i) => tag !== b.tags[i])) return false;
  const keys = Object.keys(a.meta);
  if (keys.length !== Object.keys(b.meta).length) return false;
  return keys.every((key) => Object.hasOwn(b.meta, key) && a.meta[key] === b.meta[key]);
}
