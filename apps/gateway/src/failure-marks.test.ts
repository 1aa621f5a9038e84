import { InstanceFailureMarks } from './failure-marks';

describe('InstanceFailureMarks', () => {
  const t0 = 1_000_000;

  it('skips a failing instance for the cool-down, then lets it be tried again', () => {
    const marks = new InstanceFailureMarks({ baseCooldownMs: 500, maxCooldownMs: 5_000 });
    expect(marks.isSkipped('a', t0)).toBe(false);

    marks.recordFailure('a', t0);
    expect(marks.isSkipped('a', t0 + 499)).toBe(true);
    expect(marks.isSkipped('b', t0 + 1)).toBe(false);
    expect(marks.isSkipped('a', t0 + 500)).toBe(false);
  });

  it('doubles the cool-down for each failure in a row, up to the maximum', () => {
    const marks = new InstanceFailureMarks({ baseCooldownMs: 500, maxCooldownMs: 1_500 });
    marks.recordFailure('a', t0);
    marks.recordFailure('a', t0 + 600);
    expect(marks.isSkipped('a', t0 + 600 + 999)).toBe(true);
    expect(marks.isSkipped('a', t0 + 600 + 1_000)).toBe(false);

    marks.recordFailure('a', t0 + 2_000);
    expect(marks.isSkipped('a', t0 + 2_000 + 1_499)).toBe(true);
    expect(marks.isSkipped('a', t0 + 2_000 + 1_500)).toBe(false);
  });

  it('clears the mark when the instance answers', () => {
    const marks = new InstanceFailureMarks({ baseCooldownMs: 500, maxCooldownMs: 5_000 });
    marks.recordFailure('a', t0);
    marks.recordFailure('a', t0 + 600);
    marks.recordSuccess('a');
    expect(marks.size).toBe(0);

    marks.recordFailure('a', t0 + 700);
    expect(marks.isSkipped('a', t0 + 700 + 500)).toBe(false);
  });

  it('forgets marks long past their cool-down, so departed instances do not pile up', () => {
    const marks = new InstanceFailureMarks({ baseCooldownMs: 100, maxCooldownMs: 1_000 });
    marks.recordFailure('gone-1', t0);
    marks.recordFailure('gone-2', t0);
    expect(marks.size).toBe(2);

    marks.recordFailure('b', t0 + 100 + 1_001);
    expect(marks.size).toBe(1);
    expect(marks.isSkipped('b', t0 + 1_102)).toBe(true);
  });
});
