// Tests that pass on the correct breaker and still let half the bugs through: each checks a state
// after the fact, never an edge, what runs while open, or recovery. `npm run exercise -- check 2
// --dir exercises/02-circuit-breaker-tests/grading/weak-tests` shows which broken copies survive them.
import { CircuitBreaker } from '../../breaker/circuit-breaker.ts';
import { FakeClock } from '../../breaker/fake-clock.ts';

const boom = async () => {
  throw new Error('down');
};

describe('a circuit breaker, tested loosely', () => {
  it('returns what the call returns', async () => {
    const breaker = new CircuitBreaker({ failureThreshold: 3, resetTimeoutMs: 1000 });
    await expect(breaker.call(async () => 42)).resolves.toBe(42);
    expect(breaker.state).toBe('CLOSED');
  });

  it('opens when many calls fail', async () => {
    const breaker = new CircuitBreaker({ failureThreshold: 3, resetTimeoutMs: 1000, now: new FakeClock().now });
    for (let i = 0; i < 10; i++) await breaker.call(boom).catch(() => undefined);
    expect(breaker.state).toBe('OPEN');
  });

  it('is half open at the next call after the timeout', async () => {
    const clock = new FakeClock();
    const breaker = new CircuitBreaker({ failureThreshold: 3, resetTimeoutMs: 1000, now: clock.now });
    for (let i = 0; i < 3; i++) await breaker.call(boom).catch(() => undefined);
    clock.advance(5000);
    let state: string | undefined;
    await breaker.call(async () => {
      state = breaker.state;
    });
    expect(state).toBe('HALF_OPEN');
  });
});
