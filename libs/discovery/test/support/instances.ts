import type { ServiceInstance } from '../../src/types';

/** Instances for balancer tests: ids in order, optional meta and tags per id. */
export function instancesOf(
  ids: string[],
  extra: Record<string, { meta?: Record<string, string>; tags?: string[] }> = {},
): ServiceInstance[] {
  return ids.map((id) => ({
    id,
    name: 'svc',
    address: '127.0.0.1',
    port: 1,
    tags: extra[id]?.tags ?? [],
    meta: extra[id]?.meta ?? {},
  }));
}

/** How often each id was picked in `times` picks. */
export function tally(pick: () => ServiceInstance | undefined, times: number): Record<string, number> {
  const counts: Record<string, number> = {};
  for (let i = 0; i < times; i++) {
    const id = pick()?.id ?? 'none';
    counts[id] = (counts[id] ?? 0) + 1;
  }
  return counts;
}
