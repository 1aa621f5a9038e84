import { nextConsulIndex } from './consul-index';

describe('nextConsulIndex', () => {
  it.each([
    [0, '42', 42, 'carries the returned index'],
    [42, '42', 42, 'keeps an unchanged index (the wait timed out)'],
    [42, '7', 0, 'starts over when the index goes backwards'],
    [0, '0', 1, 'never sends 0 after a read: it would not block'],
    [5, null, 0, 'a missing header goes back to 0'],
    [5, 'abc', 0, 'a malformed header goes back to 0'],
    [0, '-3', 1, 'a negative index counts as 0'],
  ])('%i then %s -> %i (%s)', (previous: number, header: string | null, expected: number, _why: string) => {
    expect(nextConsulIndex(previous, header)).toBe(expected);
  });
});
