import { kustomizeNameHash } from './name-hash';

// Expected values are what `kubectl kustomize` (kustomize 5) prints for these generators.
describe('kustomizeNameHash', () => {
  it('hashes a ConfigMap as kustomize does', () => {
    expect(kustomizeNameHash({ kind: 'ConfigMap', data: { a: 'b' } })).toBe('4h2mbtbbt6');
  });

  it('hashes a Secret (base64 data, with its type) as kustomize does', () => {
    expect(
      kustomizeNameHash({ kind: 'Secret', type: 'Opaque', data: { a: Buffer.from('b').toString('base64') } }),
    ).toBe('k695gkmbtk');
  });

  it('does not depend on the order of the keys', () => {
    const one = kustomizeNameHash({ kind: 'ConfigMap', data: { x: '1', y: '2' } });
    expect(kustomizeNameHash({ kind: 'ConfigMap', data: { y: '2', x: '1' } })).toBe(one);
    expect(kustomizeNameHash({ kind: 'ConfigMap', data: { x: '1', y: '3' } })).not.toBe(one);
  });
});
