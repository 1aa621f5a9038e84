import type { ServiceInstance } from '../types';
import { instancesOf, tally } from '../../test/support/instances';
import type { Balancer } from './balancer';
import { LeastOutstandingBalancer } from './least-outstanding';
import { ZonePreferenceBalancer } from './zone-preference';
import { RoundRobinBalancer } from './round-robin';

const zoned = instancesOf(['a1', 'a2', 'b1', 'c1'], {
  a1: { meta: { zone: 'eu-a' } },
  a2: { meta: { zone: 'eu-a' } },
  b1: { meta: { zone: 'eu-b' } },
  c1: { meta: { region: 'eu-a' } },
});
const picks = (balancer: Balancer, list: readonly ServiceInstance[], times: number) =>
  Array.from({ length: times }, () => balancer.pick(list)?.id);

describe('ZonePreferenceBalancer', () => {
  it('stays in our zone while an instance there is usable, rotating inside it', () => {
    const balancer = new ZonePreferenceBalancer(new RoundRobinBalancer(), 'eu-a');
    expect(picks(balancer, zoned, 4)).toEqual(['a1', 'a2', 'a1', 'a2']);
    expect(balancer.name).toBe('round-robin, prefer zone=eu-a');
  });

  it('falls back to every instance when none in our zone is usable', () => {
    const balancer = new ZonePreferenceBalancer(new RoundRobinBalancer(), 'eu-a');
    const others = zoned.filter((i) => i.meta.zone !== 'eu-a');
    expect(picks(balancer, others, 4)).toEqual(['b1', 'c1', 'b1', 'c1']);
    expect(balancer.pick([])).toBeUndefined();
  });

  it('returns to our zone as soon as an instance there is back', () => {
    const balancer = new ZonePreferenceBalancer(new RoundRobinBalancer(), 'eu-b');
    expect(
      picks(
        balancer,
        zoned.filter((i) => i.id !== 'b1'),
        2,
      ),
    ).toEqual(['a1', 'a2']);
    expect(picks(balancer, zoned, 2)).toEqual(['b1', 'b1']);
  });

  it('reads the zone from meta.zone only', () => {
    // c1 says eu-a under another key: it is not in the zone.
    const balancer = new ZonePreferenceBalancer(new RoundRobinBalancer(), 'eu-a');
    expect(
      picks(
        balancer,
        zoned.filter((i) => i.id === 'b1' || i.id === 'c1'),
        4,
      ),
    ).toEqual(['b1', 'c1', 'b1', 'c1']);
  });

  it('passes request accounting through to the inner balancer', () => {
    const inner = new LeastOutstandingBalancer();
    const balancer = new ZonePreferenceBalancer(inner, 'eu-a');
    balancer.onStart('a1');
    expect(inner.inFlight('a1')).toBe(1);
    expect(balancer.pick(zoned)?.id).toBe('a2');
    balancer.onEnd('a1');
    expect(inner.inFlight('a1')).toBe(0);
  });

  it('spreads evenly over the local instances in a long run', () => {
    const balancer = new ZonePreferenceBalancer(new RoundRobinBalancer(), 'eu-a');
    expect(tally(() => balancer.pick(zoned), 100)).toEqual({ a1: 50, a2: 50 });
  });
});
