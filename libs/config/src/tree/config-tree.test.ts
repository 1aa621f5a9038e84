import { changedPaths, deepFreeze, flattenTree, mergeTrees, sameJson, setAtPath } from './config-tree';

describe('config trees', () => {
  it('merges objects recursively and lets the upper layer replace leaves and lists whole', () => {
    const base = { a: { b: 1, c: 2 }, list: [1, 2, 3], keep: 'x' };
    const over = { a: { c: 3, d: 4 }, list: [9] };
    expect(mergeTrees(base, over)).toEqual({ a: { b: 1, c: 3, d: 4 }, list: [9], keep: 'x' });
    expect(base).toEqual({ a: { b: 1, c: 2 }, list: [1, 2, 3], keep: 'x' });
  });

  it('sets nested paths, replacing a leaf that stands where an object is needed', () => {
    const tree = { a: 5 } as Record<string, unknown>;
    setAtPath(tree, ['a', 'b'], 1);
    setAtPath(tree, ['x', 'y', 'z'], true);
    expect(tree).toEqual({ a: { b: 1 }, x: { y: { z: true } } });
  });

  it('flattens to dotted leaves; lists and empty objects are leaves; stopAt keeps an object whole', () => {
    const tree = { a: { b: 1, list: [1, 2] }, empty: {}, flags: { f: { enabled: true } } };
    expect([...flattenTree(tree)]).toEqual([
      ['a.b', 1],
      ['a.list', [1, 2]],
      ['empty', {}],
      ['flags.f.enabled', true],
    ]);
    expect(flattenTree(tree, (p) => p[0] === 'flags' && p.length === 2).get('flags.f')).toEqual({ enabled: true });
  });

  it('names every added, removed and changed leaf, and nothing else', () => {
    const before = { logLevel: 'info', cache: { ttlSeconds: 60, size: 10 }, gone: 1 };
    const after = { logLevel: 'info', cache: { ttlSeconds: 30, size: 10 }, added: [1] };
    expect(changedPaths(before, after)).toEqual(['added', 'cache.ttlSeconds', 'gone']);
    expect(changedPaths(before, structuredClone(before))).toEqual([]);
  });

  it('compares JSON values structurally, ignoring key order', () => {
    expect(sameJson({ a: 1, b: [1, { c: 2 }] }, { b: [1, { c: 2 }], a: 1 })).toBe(true);
    expect(sameJson({ a: 1 }, { a: 1, b: 2 })).toBe(false);
    expect(sameJson([1, 2], [2, 1])).toBe(false);
    expect(sameJson(1, '1')).toBe(false);
  });

  it('freezes deeply', () => {
    const value = deepFreeze({ a: { b: [1] } });
    expect(Object.isFrozen(value.a.b)).toBe(true);
    expect(() => {
      (value.a as { b: number[] }).b = [];
    }).toThrow(TypeError);
  });
});
