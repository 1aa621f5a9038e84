import { findNulCharacter } from './validate';

describe('findNulCharacter', () => {
  it('finds a NUL in a value or a key, at any depth, and names its path', () => {
    expect(findNulCharacter({ name: 'lamp\0' })).toEqual(['name']);
    expect(findNulCharacter({ items: [{ note: 'ok' }, { note: 'a\0b' }] })).toEqual(['items', 1, 'note']);
    expect(findNulCharacter({ ['k\0']: 1 })).toEqual(['k\0']);
    expect(findNulCharacter('\0')).toEqual([]);
  });

  it('finds none in clean input of any shape', () => {
    for (const value of [undefined, null, 1, true, 'plain', [], {}, { a: [1, 'two', { b: null }] }]) {
      expect(findNulCharacter(value)).toBeUndefined();
    }
  });

  it('walks deep nesting without recursion', () => {
    let deep: unknown = 'bottom\0';
    for (let i = 0; i < 50_000; i++) deep = [deep];
    expect(findNulCharacter(deep)).toHaveLength(50_000);
  });
});
