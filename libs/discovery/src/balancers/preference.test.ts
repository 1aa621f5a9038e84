import type { ServiceInstance } from '../types';
import { instancesOf, tally } from '../../test/support/instances';
import type { Balancer } from './balancer';
import { LeastOutstandingBalancer } from './least-outstanding';
import { TagPreferenceBalancer, ZonePreferenceBalancer } from './preference';
import { RoundRobinBalancer } from './round-robin';

const zoned = instancesOf(['a1', 'a2', 'b1', 'c1'], {
  a1: { meta: { zone: 'eu-a' } },
  a2: { meta: { zone: 'eu-a' } },
  b1: { meta: { zone: 'eu-b' } },
  c1: { meta: { region: 'eu-a' } },
});
const picks = (balancer: Balancer, list: readonly ServiceInstance[], times: number, zone?: string) =>
  Array.from({ length: times }, () => balancer.pick(list, zone === undefined ? undefined : { zone })?.id);

describe('ZonePreferenceBalancer', () => {
  it('stays in our zone while an instance there is usable, rotating inside it', () => {
    const balancer = new ZonePreferenceBalancer(new RoundRobinBalancer(), { zone: 'eu-a' });
    expect(picks(balancer, zoned, 4)).toEqual(['a1', 'a2', 'a1', 'a2']);
    expect(balancer.name).toBe('round-robin, prefer zone=eu-a');
  });

  it('falls back to every instance when none in our zone is usable', () => {
    const balancer = new ZonePreferenceBalancer(new RoundRobinBalancer(), { zone: 'eu-a' });
    const others = zoned.filter((i) => i.meta.zone !== 'eu-a');
    expect(picks(balancer, others, 4)).toEqual(['b1', 'c1', 'b1', 'c1']);
    expect(balancer.pick([])).toBeUndefined();
  });

  it('returns to our zone as soon as an instance there is back', () => {
    const balancer = new ZonePreferenceBalancer(new RoundRobinBalancer(), { zone: 'eu-b' });
    expect(
      picks(
        balancer,
        zoned.filter((i) => i.id !== 'b1'),
        2,
      ),
    ).toEqual(['a1', 'a2']);
    expect(picks(balancer, zoned, 2)).toEqual(['b1', 'b1']);
  });

  it('reads the zone from another metadata key, and from the pick context', () => {
    const byRegion = new ZonePreferenceBalancer(new RoundRobinBalancer(), { zone: 'eu-a', metaKey: 'region' });
    expect(picks(byRegion, zoned, 2)).toEqual(['c1', 'c1']);
    const balancer = new ZonePreferenceBalancer(new RoundRobinBalancer(), { zone: 'eu-a' });
    expect(picks(balancer, zoned, 2, 'eu-b')).toEqual(['b1', 'b1']);
    expect(picks(balancer, zoned, 1)).toEqual(['a1']);
  });

  it('passes request accounting through to the inner balancer', () => {
    const inner = new LeastOutstandingBalancer();
    const balancer = new ZonePreferenceBalancer(inner, { zone: 'eu-a' });
    balancer.onStart('a1');
    expect(inner.inFlight('a1')).toBe(1);
    expect(balancer.pick(zoned)?.id).toBe('a2');
    balancer.onEnd('a1');
    expect(inner.inFlight('a1')).toBe(0);
  });

  it('spreads evenly over the local instances in a long run', () => {
    const balancer = new ZonePreferenceBalancer(new RoundRobinBalancer(), { zone: 'eu-a' });
    expect(tally(() => balancer.pick(zoned), 100)).toEqual({ a1: 50, a2: 50 });
  });
});

describe('TagPreferenceBalancer', () => {
  it('prefers instances with the tag and falls back to all', () => {
    const list = instancesOf(['a', 'b', 'c'], { b: { tags: ['canary'] } });
    const balancer = new TagPreferenceBalancer(new RoundRobinBalancer(), 'canary');
    expect(picks(balancer, list, 2)).toEqual(['b', 'b']);
    // Round-robin resumes after b, the last instance it picked.
    expect(
      picks(
        balancer,
        list.filter((i) => i.id !== 'b'),
        2,
      ),
    ).toEqual(['c', 'a']);
    expect(balancer.name).toBe('round-robin, prefer tag canary');
  });
});
