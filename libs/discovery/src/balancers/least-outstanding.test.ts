import { instancesOf } from '../../test/support/instances';
import { LeastOutstandingBalancer } from './least-outstanding';

describe('LeastOutstandingBalancer', () => {
  const three = instancesOf(['a', 'b', 'c']);

  /** Picks and starts a request, as a client does. */
  function send(balancer: LeastOutstandingBalancer, instances = three): string {
    const picked = balancer.pick(instances)!;
    balancer.onStart(picked.id);
    return picked.id;
  }

  it('returns undefined for an empty list', () => {
    expect(new LeastOutstandingBalancer().pick([])).toBeUndefined();
  });

  it('takes turns while nothing is in flight (ties broken round-robin)', () => {
    const balancer = new LeastOutstandingBalancer();
    const ids = Array.from({ length: 6 }, () => {
      const id = send(balancer);
      balancer.onEnd(id);
      return id;
    });
    expect(ids).toEqual(['a', 'b', 'c', 'a', 'b', 'c']);
  });

  it('sends to the instance with the fewest requests in flight', () => {
    const balancer = new LeastOutstandingBalancer();
    expect([send(balancer), send(balancer), send(balancer)]).toEqual(['a', 'b', 'c']);
    // a and c finish; b is slow and keeps its request.
    balancer.onEnd('a');
    balancer.onEnd('c');
    expect([send(balancer), send(balancer)]).toEqual(['a', 'c']);
    // Now a:1 b:1 c:1 again; c finishes twice over the next picks.
    balancer.onEnd('c');
    expect(send(balancer)).toBe('c');
    expect(balancer.inFlight('b')).toBe(1);
    expect(balancer.inFlight('c')).toBe(1);
  });

  it('keeps a slow instance at a small share of the traffic', () => {
    const balancer = new LeastOutstandingBalancer();
    const picks: string[] = [];
    // b never finishes; a and c answer at once.
    for (let i = 0; i < 30; i++) {
      const id = send(balancer);
      picks.push(id);
      if (id !== 'b') balancer.onEnd(id);
    }
    expect(picks.filter((id) => id === 'b')).toHaveLength(1);
    expect(balancer.inFlight('b')).toBe(1);
  });

  it('forgets idle instances and ignores an end it never saw start', () => {
    const balancer = new LeastOutstandingBalancer();
    balancer.onEnd('ghost');
    expect(balancer.inFlight('ghost')).toBe(0);
    balancer.onStart('a');
    balancer.onStart('a');
    balancer.onEnd('a');
    balancer.onEnd('a');
    balancer.onEnd('a');
    expect(balancer.inFlight('a')).toBe(0);
  });

  it('handles a list that changes between picks', () => {
    const balancer = new LeastOutstandingBalancer();
    expect([send(balancer), send(balancer), send(balancer)]).toEqual(['a', 'b', 'c']);
    balancer.onEnd('b');
    expect(send(balancer, instancesOf(['b', 'c']))).toBe('b');
    expect(balancer.pick(instancesOf(['c']))?.id).toBe('c');
  });
});
