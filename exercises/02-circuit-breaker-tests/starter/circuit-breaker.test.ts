// Exercise 2: the tests of a circuit breaker. Write them here, replacing each it.todo with a real
// test, and add the ones you think are missing. `npm run exercise -- check 2` runs them against the
// correct breaker (they must pass) and against broken copies of it (each should make a test fail).
//
// The breaker: ../breaker/circuit-breaker.ts. Its clock is injectable: FakeClock lets a test move
// time forward by hand, so no test has to sleep.
import { BreakerOpenError, CircuitBreaker } from '../breaker/circuit-breaker.ts';
import { FakeClock } from '../breaker/fake-clock.ts';

// Referenced here so that the skeleton compiles before you use them; remove this line once you do.
export { BreakerOpenError, CircuitBreaker, FakeClock };

describe('CLOSED: normal operation', () => {
  it.todo('starts closed, runs calls and returns their results');
  it.todo('stays closed after one failure fewer than the threshold');
});

describe('OPEN: failure scenarios', () => {
  it.todo('opens after failureThreshold failures in a row');
  it.todo('rejects calls with BreakerOpenError without running them while open');
});

describe('HALF_OPEN: recovery', () => {
  it.todo('lets one trial call through once resetTimeoutMs has passed');
  it.todo('closes after a successful trial');
});
