import { RequestPacer } from './request-pacer';

describe('RequestPacer', () => {
  it('lets a burst go at once, then spaces requests by the interval', () => {
    const pacer = new RequestPacer(3, 100, 0);
    expect([pacer.next(0), pacer.next(0), pacer.next(0)]).toEqual([0, 0, 0]);
    expect(pacer.next(0)).toBe(100);
    expect(pacer.next(100)).toBe(100);
  });

  it('refills while requests wait on the server', () => {
    const pacer = new RequestPacer(2, 100, 0);
    pacer.next(0);
    pacer.next(0);
    expect(pacer.next(30_000)).toBe(0);
    expect(pacer.next(30_000)).toBe(0);
    expect(pacer.next(30_000)).toBe(100);
  });

  it('does not pace with a zero interval and refuses nonsense', () => {
    const pacer = new RequestPacer(1, 0, 0);
    expect([pacer.next(0), pacer.next(0), pacer.next(0)]).toEqual([0, 0, 0]);
    expect(() => new RequestPacer(0, 100, 0)).toThrow(RangeError);
  });
});
