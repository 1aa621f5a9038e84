import { instancesOf } from '../../test/support/instances';
import { OutlierDetector, type Ejection, type OutlierDetectorOptions } from './outlier-detector';

describe('OutlierDetector', () => {
  let now: number;
  const clock = () => now;
  const T0 = Date.parse('2030-01-01T00:00:00.000Z');
  beforeEach(() => (now = T0));

  function detector(o: OutlierDetectorOptions = {}, ids = ['a', 'b', 'c', 'd']) {
    const d = new OutlierDetector({
      consecutiveFailures: 3,
      baseEjectionMs: 1_000,
      maxEjectionMs: 5_000,
      now: clock,
      ...o,
    });
    const list = instancesOf(ids);
    d.available(list);
    return { d, list };
  }
  const fail = (d: OutlierDetector, id: string, times: number) => {
    for (let i = 0; i < times; i++) d.recordFailure(id);
  };
  const ids = (list: readonly { id: string }[]) => list.map((i) => i.id);

  it('returns the very same array while nothing is ejected', () => {
    const { d, list } = detector();
    fail(d, 'a', 2);
    expect(d.available(list)).toBe(list);
    expect(d.snapshot()).toEqual({ ejected: [] });
  });

  it('ejects after the configured number of failures in a row, for the base time', () => {
    const { d, list } = detector();
    fail(d, 'b', 3);
    expect(ids(d.available(list))).toEqual(['a', 'c', 'd']);
    expect(d.isEjected('b')).toBe(true);
    expect(d.snapshot()).toEqual({ ejected: [{ id: 'b', until: '2030-01-01T00:00:01.000Z', ejections: 1 }] });

    now = T0 + 999;
    expect(ids(d.available(list))).toEqual(['a', 'c', 'd']);
    now = T0 + 1_000;
    expect(d.available(list)).toBe(list);
    expect(d.isEjected('b')).toBe(false);
  });

  it('hands out one remembered filtered array while the ejections stay the same', () => {
    const { d, list } = detector();
    fail(d, 'a', 3);
    const first = d.available(list);
    expect(d.available(list)).toBe(first);
    fail(d, 'b', 3);
    expect(d.available(list)).not.toBe(first);
  });

  it('forgets a run of failures at the first success', () => {
    const { d, list } = detector();
    fail(d, 'a', 2);
    d.recordSuccess('a');
    fail(d, 'a', 2);
    expect(d.available(list)).toBe(list);
    d.recordFailure('a');
    expect(d.isEjected('a')).toBe(true);
  });

  it('lets an ejection run its time even if late answers succeed, and ignores late failures', () => {
    const { d } = detector();
    fail(d, 'a', 3);
    d.recordSuccess('a');
    expect(d.isEjected('a')).toBe(true);
    fail(d, 'a', 10);
    expect(d.snapshot().ejected).toEqual([{ id: 'a', until: '2030-01-01T00:00:01.000Z', ejections: 1 }]);
  });

  it('ejects for base time × ejections so far, capped at the maximum', () => {
    const { d } = detector();
    const lengths: number[] = [];
    for (let round = 0; round < 7; round++) {
      const start = now;
      fail(d, 'a', 3);
      const until = Date.parse(d.snapshot().ejected[0].until);
      lengths.push(until - start);
      now = until; // back in service, and failing again at once
    }
    expect(lengths).toEqual([1_000, 2_000, 3_000, 4_000, 5_000, 5_000, 5_000]);
  });

  it('needs a fresh run of failures after an ejection ends', () => {
    const { d } = detector();
    fail(d, 'a', 3);
    now = T0 + 1_000;
    fail(d, 'a', 2);
    expect(d.isEjected('a')).toBe(false);
    d.recordFailure('a');
    expect(d.isEjected('a')).toBe(true);
  });

  it('forgives one ejection for every base time an instance stays in service', () => {
    const { d } = detector();
    fail(d, 'a', 3); // 1st: until T0+1000
    now = T0 + 1_000;
    fail(d, 'a', 3); // 2nd: 2000 ms, until T0+3000
    now = T0 + 3_000 + 1_500; // 1.5 base times in service: one ejection forgiven
    fail(d, 'a', 3);
    expect(d.snapshot().ejected[0]).toEqual({ id: 'a', until: new Date(now + 2_000).toISOString(), ejections: 2 });
  });

  it.each([
    [1, 0],
    [2, 1],
    [3, 1],
    [4, 2],
    [5, 2],
    [10, 5],
  ])('with %d instances at 50%% ejects at most %d', (count, most) => {
    const names = Array.from({ length: count }, (_, i) => `i${i}`);
    const { d, list } = detector({}, names);
    for (const id of names) fail(d, id, 3);
    expect(list.length - d.available(list).length).toBe(most);
    expect(d.snapshot().ejected).toHaveLength(most);
  });

  it('rounds down but allows one of two or more, and 0% turns ejection off', () => {
    const { d, list } = detector({ maxEjectionPercent: 10 }, ['a', 'b', 'c']);
    fail(d, 'a', 3);
    fail(d, 'b', 3);
    expect(ids(d.available(list))).toEqual(['b', 'c']);

    const off = detector({ maxEjectionPercent: 0 });
    fail(off.d, 'a', 3);
    expect(off.d.available(off.list)).toBe(off.list);
  });

  it('ejects another instance once an earlier ejection ended', () => {
    const { d, list } = detector({}, ['a', 'b']);
    fail(d, 'a', 3);
    fail(d, 'b', 3);
    expect(ids(d.available(list))).toEqual(['b']);
    now = T0 + 1_000;
    // b kept failing and was refused; its next failure finds room.
    d.recordFailure('b');
    expect(ids(d.available(list))).toEqual(['a']);
  });

  it('keeps within the share of a list that shrank after the ejections', () => {
    const { d, list } = detector({}, ['a', 'b', 'c', 'd']);
    fail(d, 'a', 3);
    fail(d, 'b', 3);
    expect(ids(d.available(list))).toEqual(['c', 'd']);
    const shrunk = list.filter((i) => i.id !== 'd');
    expect(ids(d.available(shrunk))).toEqual(['b', 'c']);
  });

  it('does not eject an instance it has never seen in a list', () => {
    const d = new OutlierDetector({ consecutiveFailures: 1, now: clock });
    d.recordFailure('a');
    expect(d.isEjected('a')).toBe(false);
  });

  it('reports each ejection to onEject', () => {
    const seen: Ejection[] = [];
    const { d } = detector({ onEject: (e) => seen.push(e) });
    fail(d, 'c', 3);
    expect(seen).toEqual([{ id: 'c', until: T0 + 1_000, ejections: 1 }]);
  });

  it('uses the documented defaults', () => {
    const d = new OutlierDetector({ now: clock });
    const list = instancesOf(['a', 'b']);
    d.available(list);
    fail(d, 'a', 4);
    expect(d.isEjected('a')).toBe(false);
    d.recordFailure('a');
    expect(d.snapshot().ejected).toEqual([{ id: 'a', until: new Date(T0 + 30_000).toISOString(), ejections: 1 }]);
  });

  it('rejects nonsensical options', () => {
    expect(() => new OutlierDetector({ consecutiveFailures: 0 })).toThrow(/consecutiveFailures/);
    expect(() => new OutlierDetector({ baseEjectionMs: -1 })).toThrow(/baseEjectionMs/);
    expect(() => new OutlierDetector({ maxEjectionPercent: 101 })).toThrow(/maxEjectionPercent/);
  });

  it('drops what it knows about instances that left, once they are not ejected', () => {
    const { d, list } = detector({}, ['a', 'b', 'c']);
    fail(d, 'a', 2);
    fail(d, 'b', 3);
    d.available(list.filter((i) => i.id === 'c'));
    // a left with two failures on record: back with a clean slate.
    d.available(list);
    fail(d, 'a', 2);
    expect(d.isEjected('a')).toBe(false);
    // b is still ejected while its time runs, even after leaving and coming back.
    expect(d.isEjected('b')).toBe(true);
  });
});
