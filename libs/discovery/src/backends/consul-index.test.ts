import { nextBlockingIndex } from './consul-index';

describe('nextBlockingIndex', () => {
  it('follows the index the registry returned', () => {
    expect(nextBlockingIndex(0, 42)).toBe(42);
    expect(nextBlockingIndex(42, 42)).toBe(42);
    expect(nextBlockingIndex(42, 57)).toBe(57);
  });

  it('resets to 0 when the index goes backwards', () => {
    expect(nextBlockingIndex(57, 12)).toBe(0);
  });

  it('never blocks on an index below 1', () => {
    expect(nextBlockingIndex(0, 0)).toBe(1);
    expect(nextBlockingIndex(0, -3)).toBe(1);
    expect(nextBlockingIndex(0, undefined)).toBe(1);
    expect(nextBlockingIndex(0, Number.NaN)).toBe(1);
  });

  it('treats a missing index after a real one as going backwards', () => {
    expect(nextBlockingIndex(9, undefined)).toBe(0);
  });
});
