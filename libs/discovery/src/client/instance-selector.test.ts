import { LeastOutstandingBalancer } from '../balancers/least-outstanding';
import { RoundRobinBalancer } from '../balancers/round-robin';
import { OutlierDetector } from '../ejection/outlier-detector';
import type { ServiceInstance } from '../types';
import { instancesOf } from '../../test/support/instances';
import { InstanceSelector } from './instance-selector';

describe('InstanceSelector', () => {
  let list: readonly ServiceInstance[];
  const source = { instances: () => list };
  beforeEach(() => (list = instancesOf(['a', 'b', 'c'])));

  function selector(consecutiveFailures = 2) {
    const outlier = new OutlierDetector({ consecutiveFailures, baseEjectionMs: 1_000, now: () => 0 });
    return new InstanceSelector({ source, balancer: new RoundRobinBalancer(), outlier });
  }
  const failTwice = (s: InstanceSelector, id: string) => {
    for (let i = 0; i < 2; i++) {
      s.started(id);
      s.finished(id, 'failure');
    }
  };

  it('picks with the balancer from the current instances', () => {
    const s = selector();
    expect([s.pick(), s.pick(), s.pick(), s.pick()].map((i) => i?.id)).toEqual(['a', 'b', 'c', 'a']);
    list = [];
    expect(s.pick()).toBeUndefined();
  });

  it('leaves out instances ejected after failures, and reports them', () => {
    const s = selector();
    s.pick();
    failTwice(s, 'b');
    expect([s.pick(), s.pick(), s.pick()].map((i) => i?.id)).toEqual(['c', 'a', 'c']);
    expect(s.ejected()).toEqual([{ id: 'b', until: new Date(1_000).toISOString(), ejections: 1 }]);
  });

  it('does not count neutral outcomes, and a success ends a run of failures', () => {
    const s = selector();
    s.pick();
    for (const outcome of ['failure', 'neutral', 'success', 'failure', 'neutral'] as const) s.finished('a', outcome);
    expect(s.ejected()).toEqual([]);
  });

  it('passes over instances this request tried, and falls back to an ejected one before giving up', () => {
    const s = selector();
    s.pick();
    failTwice(s, 'c');
    expect(s.pick(['a'])?.id).toBe('b');
    // a and b were tried and c is ejected: c is the last chance, better than refusing.
    expect(s.pick(['a', 'b'])?.id).toBe('c');
    expect(s.pick(['a', 'b', 'c'])).toBeUndefined();
  });

  it('chooses only among accepted instances, ejecting over all of them', () => {
    const s = selector();
    const notA = (i: ServiceInstance) => i.id !== 'a';
    expect([s.pick(undefined, notA), s.pick(undefined, notA), s.pick(undefined, notA)].map((i) => i?.id)).toEqual([
      'b',
      'c',
      'b',
    ]);
    failTwice(s, 'b');
    expect(s.pick(undefined, notA)?.id).toBe('c');
    // Tried c, b is ejected: b before giving up, never a.
    expect(s.pick(['c'], notA)?.id).toBe('b');
    expect(s.pick(['b', 'c'], notA)).toBeUndefined();
    expect(s.pick(undefined, () => false)).toBeUndefined();
  });

  it('tells the balancer when attempts start and end', () => {
    const balancer = new LeastOutstandingBalancer();
    const s = new InstanceSelector({ source, balancer });
    s.started('a');
    s.started('a');
    s.finished('a', 'failure');
    expect(balancer.inFlight('a')).toBe(1);
    expect(s.pick()?.id).toBe('b');
    expect(s.ejected()).toEqual([]);
  });
});
