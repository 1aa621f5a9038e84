import { ChangeFeed } from './change-feed';
import { KvStore } from './kv-store';

const value = (text: string): Buffer => Buffer.from(text);

describe('KvStore', () => {
  let feed: ChangeFeed;
  let kv: KvStore;
  beforeEach(() => {
    feed = new ChangeFeed();
    kv = new KvStore(feed);
  });

  it('stamps create and modify indexes from the shared feed', () => {
    feed.next(); // some other write happened first
    expect(kv.put('a', value('1'), 0)).toBe(true);
    expect(kv.get('a')).toMatchObject({ createIndex: 2, modifyIndex: 2 });
    kv.put('a', value('2'), 7);
    expect(kv.get('a')).toMatchObject({ createIndex: 2, modifyIndex: 3, flags: 7 });
    expect(kv.get('a')!.value.toString()).toBe('2');
  });

  it('honours check-and-set: 0 creates only, N updates only at ModifyIndex N', () => {
    expect(kv.put('k', value('a'), 0, 0)).toBe(true);
    expect(kv.put('k', value('b'), 0, 0)).toBe(false);
    const { modifyIndex } = kv.get('k')!;
    expect(kv.put('k', value('c'), 0, modifyIndex + 1)).toBe(false);
    expect(kv.put('k', value('c'), 0, modifyIndex)).toBe(true);
    expect(kv.delete('k', modifyIndex)).toBe(false);
    expect(kv.delete('k', kv.get('k')!.modifyIndex)).toBe(true);
    expect(kv.get('k')).toBeUndefined();
  });

  it('lists keys in order and folds them at a separator', () => {
    for (const key of ['app/b', 'app/a/x', 'app/a/y', 'other', 'app/c/z']) kv.put(key, value(''), 0);
    expect(kv.list('app/').map((e) => e.key)).toEqual(['app/a/x', 'app/a/y', 'app/b', 'app/c/z']);
    expect(kv.keys('app/')).toEqual(['app/a/x', 'app/a/y', 'app/b', 'app/c/z']);
    expect(kv.keys('app/', '/')).toEqual(['app/a/', 'app/b', 'app/c/']);
    expect(kv.keys('', '/')).toEqual(['app/', 'other']);
  });

  it('moves a prefix index past a deletion under it, and leaves other prefixes alone', () => {
    kv.put('cfg/a', value('1'), 0);
    kv.put('cfg/b', value('2'), 0);
    kv.put('misc', value('3'), 0);
    const before = kv.prefixIndex('cfg/');
    expect(before).toBe(kv.get('cfg/b')!.modifyIndex);
    kv.delete('cfg/b');
    expect(kv.prefixIndex('cfg/')).toBeGreaterThan(before);
    expect(kv.prefixIndex('misc')).toBe(kv.get('misc')!.modifyIndex);
  });

  it('answers the table index for a missing key, moving on every write', () => {
    kv.put('x', value('1'), 0);
    const missing = kv.keyIndex('nope');
    expect(missing).toBe(kv.get('x')!.modifyIndex);
    kv.put('y', value('1'), 0);
    expect(kv.keyIndex('nope')).toBeGreaterThan(missing);
  });

  it('deletes a whole tree in one write and treats deleting a missing key as success', () => {
    kv.put('t/1', value(''), 0);
    kv.put('t/2', value(''), 0);
    const before = feed.lastIndex;
    kv.deleteTree('t/');
    expect(kv.list('t/')).toEqual([]);
    expect(feed.lastIndex).toBe(before + 1);
    expect(kv.delete('t/1')).toBe(true);
    expect(feed.lastIndex).toBe(before + 1);
  });
});
