import { isHostAddress } from '@lab/common';
import { byId, matchesFilter } from '../internal/instances';
import type { InstanceFilter, InstanceStatus, ServiceInstance, ServiceRegistration } from '../types';

/**
 * How etcd and ZooKeeper store an instance: one JSON document per key or node,
 * `{ id, name, address, port, tags, meta, status }`, under `<root>/<name>/<id>`.
 */
export interface InstanceRecord {
  instance: ServiceInstance;
  status: InstanceStatus;
}

const STATUSES: readonly string[] = ['passing', 'warning', 'critical'] satisfies InstanceStatus[];

/** Names and ids become path segments, so they must be one segment each. */
export function assertPathSafe(r: Pick<ServiceRegistration, 'id' | 'name'>): void {
  for (const [field, value] of [
    ['id', r.id],
    ['name', r.name],
  ] as const) {
    if (typeof value !== 'string' || value === '' || value.includes('/') || value === '.' || value === '..') {
      throw new TypeError(
        `registration ${field} must be a non-empty string without "/" (got ${JSON.stringify(value)})`,
      );
    }
  }
}

export function encodeInstanceRecord(r: ServiceRegistration): string {
  return JSON.stringify({
    id: r.id,
    name: r.name,
    address: r.address,
    port: r.port,
    tags: r.tags ?? [],
    meta: r.meta ?? {},
    status: r.status ?? 'passing',
  });
}

/**
 * Reads a stored document back; undefined for anything that is not one (written by another tool,
 * or truncated), so that one bad entry never hides the others.
 */
export function decodeInstanceRecord(text: string): InstanceRecord | undefined {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (value === null || typeof value !== 'object') return undefined;
  const v = value as Record<string, unknown>;
  if (typeof v.id !== 'string' || typeof v.name !== 'string' || typeof v.address !== 'string') return undefined;
  // Only a host may become the host of a URL: `user@host` or a path in a record is ignored.
  if (!isHostAddress(v.address)) return undefined;
  if (typeof v.port !== 'number' || !Number.isInteger(v.port)) return undefined;
  const tags = Array.isArray(v.tags) ? v.tags.filter((t): t is string => typeof t === 'string') : [];
  const meta: Record<string, string> = {};
  if (v.meta !== null && typeof v.meta === 'object') {
    for (const [key, item] of Object.entries(v.meta)) if (typeof item === 'string') meta[key] = item;
  }
  // A record without a status predates the field: it was registered, so it counts as passing.
  const status =
    v.status === undefined
      ? 'passing'
      : STATUSES.includes(v.status as string)
        ? (v.status as InstanceStatus)
        : undefined;
  if (status === undefined) return undefined;
  return { instance: { id: v.id, name: v.name, address: v.address, port: v.port, tags, meta }, status };
}

/** The passing instances among `records` that match `filter`, sorted by id: what a registry lists. */
export function passingInstances(
  records: Iterable<InstanceRecord>,
  filter: InstanceFilter | undefined,
): ServiceInstance[] {
  const found: ServiceInstance[] = [];
  for (const { instance, status } of records) {
    if (status === 'passing' && matchesFilter(instance, filter)) found.push(instance);
  }
  return found.sort(byId);
}
