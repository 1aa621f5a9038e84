import { parseRetryAfter, retryAfterOf, retryDelay } from './retry-after';

const options = { baseDelayMs: 100, maxDelayMs: 1000, respectRetryAfter: true };
const highest = () => 1;
const withRetryAfter = (retryAfterMs: unknown) => Object.assign(new Error('busy'), { retryAfterMs });

describe('retryDelay', () => {
  it('is the jittered backoff when the error carries no Retry-After', () => {
    expect(retryDelay(1, new Error('x'), options, highest)).toBe(100);
    expect(retryDelay(3, new Error('x'), options, () => 0.5)).toBe(200);
  });

  it('waits at least what the server asked for', () => {
    expect(retryDelay(1, withRetryAfter(700), options, highest)).toBe(700);
    // ...but never less than the backoff would have.
    expect(retryDelay(4, withRetryAfter(10), options, highest)).toBe(800);
  });

  it('accepts a Retry-After up to 4x maxDelayMs and gives up beyond it', () => {
    expect(retryDelay(1, withRetryAfter(4000), options, highest)).toBe(4000);
    expect(retryDelay(1, withRetryAfter(4001), options, highest)).toBeUndefined();
  });

  it('ignores Retry-After when respectRetryAfter is off', () => {
    expect(retryDelay(1, withRetryAfter(60_000), { ...options, respectRetryAfter: false }, highest)).toBe(100);
  });
});

describe('retryAfterOf', () => {
  it.each([
    [withRetryAfter(250), 250],
    [withRetryAfter(0), 0],
    [withRetryAfter(-1), undefined],
    [withRetryAfter(Number.NaN), undefined],
    [withRetryAfter('250'), undefined],
    [new Error('plain'), undefined],
    [null, undefined],
    ['a string', undefined],
  ])('reads %p as %p', (error, expected) => {
    expect(retryAfterOf(error)).toBe(expected);
  });
});

describe('parseRetryAfter', () => {
  const now = Date.parse('2025-01-01T00:00:00Z');

  it('reads delay-seconds', () => {
    expect(parseRetryAfter('3', now)).toBe(3000);
    expect(parseRetryAfter(' 0 ', now)).toBe(0);
  });

  it('reads an HTTP-date relative to now, never below zero', () => {
    expect(parseRetryAfter('Wed, 01 Jan 2025 00:00:05 GMT', now)).toBe(5000);
    expect(parseRetryAfter('Tue, 31 Dec 2024 23:59:00 GMT', now)).toBe(0);
  });

  it('reads the first of a header that arrived twice', () => {
    expect(parseRetryAfter(['2', '9'], now)).toBe(2000);
    expect(parseRetryAfter([], now)).toBeUndefined();
  });

  it.each([undefined, null, '', '-5', '1.5', 'soon', 'Mon, 99 Foo 2025'])('refuses %p', (value) => {
    expect(parseRetryAfter(value, now)).toBeUndefined();
  });
});
