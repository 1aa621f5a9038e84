import type { ServiceInstance } from '@lab/discovery';
import type { ServiceRouting } from './routing-rules';
import { VersionRouter, type SubsetChooser } from './version-router';

const canary: ServiceRouting = {
  subsets: [
    { name: 'v1', labels: { version: 'v1' } },
    { name: 'v2', labels: { version: 'v2' } },
  ],
  http: [
    {
      name: 'canary',
      match: [{ headers: { canary: { exact: 'true' } } }, { headers: { 'x-user': { prefix: 'beta-' } } }],
      route: [{ destination: { subset: 'v2' }, weight: 100 }],
    },
    {
      name: 'staff',
      match: [{ headers: { 'x-group': { regex: 'qa|staff' }, 'x-region': { exact: 'eu' } } }],
      route: [{ destination: { subset: 'v1' } }],
    },
    {
      name: 'stable',
      route: [
        { destination: { subset: 'v1' }, weight: 90 },
        { destination: { subset: 'v2' }, weight: 10 },
      ],
    },
  ],
};

const instance = (id: string, version?: string): ServiceInstance => ({
  id,
  name: 'product-service',
  address: '127.0.0.1',
  port: 1,
  tags: [],
  meta: version === undefined ? {} : { version },
});

/** A chooser over a fixed list that takes the first accepted, untried instance. */
function chooserOf(instances: ServiceInstance[]): SubsetChooser {
  return {
    pick: (exclude, accept) =>
      instances.find((i) => !(exclude ?? []).includes(i.id) && (accept === undefined || accept(i))),
  };
}

/** A random source that returns the given numbers in turn. */
function sequence(...values: number[]): () => number {
  let next = 0;
  return () => values[next++ % values.length];
}

describe('VersionRouter', () => {
  it('routes by the first rule whose match holds: exact, prefix, regex (whole value, every header)', () => {
    const router = new VersionRouter(() => 0);
    router.update({ 'product-service': canary });
    const plan = (headers: Record<string, string | string[]>) => router.plan('product-service', headers);
    expect(plan({ canary: 'true' })).toEqual({ rule: 'canary', subsets: ['v2'] });
    expect(plan({ 'x-user': 'beta-7' })).toEqual({ rule: 'canary', subsets: ['v2'] });
    expect(plan({ 'x-group': 'staff', 'x-region': 'eu' })).toEqual({ rule: 'staff', subsets: ['v1'] });
    // Not matched: a different value, a regex that matches only part of the value, one header of two.
    const unmatched: Record<string, string>[] = [
      { canary: 'True' },
      { 'x-user': 'alpha-beta-7' },
      { 'x-group': 'staffer', 'x-region': 'eu' },
      { 'x-group': 'qa' },
    ];
    for (const headers of unmatched) {
      expect(plan(headers)?.rule).toBe('stable');
    }
    // A header sent twice is matched as its values joined.
    expect(plan({ canary: ['true', 'true'] })?.rule).toBe('stable');
    expect(router.plan('order-service', { canary: 'true' })).toBeUndefined();
  });

  it('draws the destination by weight and keeps the others, by weight, as fallbacks', () => {
    const router = new VersionRouter(sequence(0.5, 0.899, 0.9, 0.999));
    router.update({ 'product-service': canary });
    const subsets = () => router.plan('product-service', {})!.subsets;
    expect([subsets(), subsets(), subsets(), subsets()]).toEqual([
      ['v1', 'v2'],
      ['v1', 'v2'],
      ['v2', 'v1'],
      ['v2', 'v1'],
    ]);
  });

  it('splits 90/10 over many draws with a real random source', () => {
    const router = new VersionRouter();
    router.update({ 'product-service': canary });
    let v2 = 0;
    for (let i = 0; i < 100_000; i++) if (router.plan('product-service', {})!.subsets[0] === 'v2') v2++;
    expect(v2 / 100_000).toBeGreaterThan(0.09);
    expect(v2 / 100_000).toBeLessThan(0.11);
  });

  it('picks instances of the drawn subset, falls back to the rule’s other subsets, and says which were empty', () => {
    const router = new VersionRouter(() => 0.95); // draws v2 for the stable rule
    router.update({ 'product-service': canary });
    const both = chooserOf([instance('p1', 'v1'), instance('p2', 'v2')]);
    expect(router.forRequest(both, 'product-service', {}).pick()?.id).toBe('p2');
    expect(router.forRequest(both, 'product-service', { canary: 'true' }).pick()?.id).toBe('p2');
    // A retry after p2 failed: the other subset of the rule.
    expect(router.forRequest(both, 'product-service', {}).pick(['p2'])?.id).toBe('p1');

    // No v2 running: the 10% go to v1; a request that asks for v2 gets none (a 503, as Istio answers).
    const stableOnly = chooserOf([instance('p1', 'v1'), instance('x', undefined)]);
    expect(router.forRequest(stableOnly, 'product-service', {}).pick()?.id).toBe('p1');
    const asked = router.forRequest(stableOnly, 'product-service', { canary: 'true' });
    expect(asked.pick()).toBeUndefined();
    expect(asked.unavailable).toBe('No healthy instance of product-service in subset v2 (route "canary")');
  });

  it('never uses a destination of weight 0, and serves a service without rules from any instance', () => {
    const router = new VersionRouter(() => 0);
    router.update({
      'product-service': {
        ...canary,
        http: [
          {
            route: [
              { destination: { subset: 'v1' }, weight: 100 },
              { destination: { subset: 'v2' }, weight: 0 },
            ],
          },
        ],
      },
    });
    const canaryOnly = chooserOf([instance('p2', 'v2')]);
    expect(router.forRequest(canaryOnly, 'product-service', {}).pick()).toBeUndefined();
    const plain = router.forRequest(canaryOnly, 'order-service', {});
    expect(plain.pick()?.id).toBe('p2');
    expect(plain.unavailable).toBe('No healthy instance of order-service');
    expect(router.forRequest(canaryOnly, 'order-service', {})).toBe(plain);
  });

  it('drops the rules of a service that a later update leaves out', () => {
    const router = new VersionRouter(() => 0);
    router.update({ 'product-service': canary });
    router.update({});
    expect(router.plan('product-service', { canary: 'true' })).toBeUndefined();
    expect(router.routedServices()).toEqual([]);
  });
});
