import type { ServiceInstance } from '../types';
import { matchesFilter, sameInstances } from './instances';

describe('instances helpers', () => {
  const base: ServiceInstance = {
    id: 'a',
    name: 's',
    address: '10.0.0.1',
    port: 80,
    tags: ['v1', 'eu'],
    meta: { zone: 'a' },
  };

  it('matches only when every tag and every meta pair is present', () => {
    expect(matchesFilter(base, undefined)).toBe(true);
    expect(matchesFilter(base, { tags: ['v1', 'eu'], meta: { zone: 'a' } })).toBe(true);
    expect(matchesFilter(base, { tags: ['v1', 'us'] })).toBe(false);
    expect(matchesFilter(base, { meta: { zone: 'b' } })).toBe(false);
    expect(matchesFilter(base, { meta: { other: 'a' } })).toBe(false);
  });

  it('compares ids, addresses, ports, tags and meta', () => {
    expect(sameInstances([base], [{ ...base, tags: ['v1', 'eu'], meta: { zone: 'a' } }])).toBe(true);
    expect(sameInstances([base], [])).toBe(false);
    expect(sameInstances([base], [{ ...base, id: 'b' }])).toBe(false);
    expect(sameInstances([base], [{ ...base, address: '10.0.0.2' }])).toBe(false);
    expect(sameInstances([base], [{ ...base, port: 81 }])).toBe(false);
    expect(sameInstances([base], [{ ...base, tags: ['v1'] }])).toBe(false);
    expect(sameInstances([base], [{ ...base, meta: { zone: 'b' } }])).toBe(false);
    expect(sameInstances([base], [{ ...base, meta: { zone: 'a', extra: 'x' } }])).toBe(false);
  });
});
