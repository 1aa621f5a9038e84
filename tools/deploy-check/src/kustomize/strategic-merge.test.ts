import { strategicMerge, UnsupportedPatchError } from './strategic-merge';

describe('strategicMerge', () => {
  it('merges maps, deletes keys set to null, and replaces scalars', () => {
    expect(strategicMerge({ a: 1, b: { c: 2, d: 3 } }, { b: { c: 5, d: null }, e: 'x' })).toEqual({
      a: 1,
      b: { c: 5 },
      e: 'x',
    });
  });

  it('merges containers, env and mounts by their keys, patch items first', () => {
    const original = {
      containers: [
        {
          name: 'app',
          env: [{ name: 'A', value: '1' }],
          volumeMounts: [{ name: 'x', mountPath: '/x' }],
        },
      ],
    };
    const patch = {
      containers: [
        {
          name: 'app',
          env: [
            { name: 'B', value: '2' },
            { name: 'A', value: '9' },
          ],
          volumeMounts: [{ name: 'y', mountPath: '/x' }],
        },
      ],
    };
    expect(strategicMerge(original, patch)).toEqual({
      containers: [
        {
          name: 'app',
          env: [
            { name: 'B', value: '2' },
            { name: 'A', value: '9' },
          ],
          volumeMounts: [{ name: 'y', mountPath: '/x' }],
        },
      ],
    });
  });

  it('replaces lists without a merge key', () => {
    expect(strategicMerge({ command: ['a', 'b'], drop: [{ x: 1 }] }, { command: ['c'], drop: [{ x: 2 }] })).toEqual({
      command: ['c'],
      drop: [{ x: 2 }],
    });
  });

  it('refuses directives it does not implement', () => {
    expect(() => strategicMerge({ a: 1 }, { $patch: 'delete' })).toThrow(UnsupportedPatchError);
  });
});
