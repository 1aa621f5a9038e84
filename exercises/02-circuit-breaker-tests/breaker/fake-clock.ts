/** A clock your tests move by hand, for the breaker's `now` option: no test has to sleep. */
export class FakeClock {
  private time: number;

  constructor(start = 0) {
    this.time = start;
  }

  /** Pass this to the breaker: `new CircuitBreaker({ ..., now: clock.now })`. */
  readonly now = (): number => this.time;

  advance(ms: number): void {
    this.time += ms;
  }
}
