import {
  circuitBreaker,
  CircuitState,
  handleWhen,
  type CircuitBreakerPolicy,
  isBrokenCircuitError,
  type IBackoff,
  type IDisposable,
} from 'cockatiel';
import { BrokenCircuitError } from '../errors/broken-circuit-error';
import { PolicyShutdownError } from '../errors/policy-shutdown-error';
import type { Logger } from '@lab/common';
import type { BreakerOptions } from '../options';
import { RollingWindowBreaker, type WindowCounts } from './rolling-window-breaker';

export type BreakerState = 'closed' | 'open' | 'half-open';

export type BreakerStats = WindowCounts;

/**
 * How long the breaker stays open before a probe. cockatiel asks for one each time the circuit
 * opens and reads `duration` on every call while open, so a new resetTimeoutMs can change the
 * period already running.
 */
interface OpenPeriod extends IBackoff<unknown> {
  duration: number;
}

/**
 * The policy's circuit breaker: cockatiel's CircuitBreakerPolicy runs the states (closed, open,
 * half-open, and isolated when forced open), a RollingWindowBreaker decides when to open.
 *
 * Added around cockatiel, to keep the policy's contract:
 * - errors `isFailure` does not count are counted as successes (the dependency answered);
 * - while a probe runs in half-open state, other calls are refused (cockatiel would hold them
 *   until the probe ends); refusals are counted as rejects;
 * - state() reports half-open as soon as resetTimeoutMs has passed (cockatiel moves on lazily);
 * - each change of state is logged once; shutdown() refuses every later call.
 */
export class CircuitBreaker {
  private readonly window: RollingWindowBreaker;
  private readonly circuit: CircuitBreakerPolicy;
  private readonly subscriptions: IDisposable[];
  /** The open period cockatiel is waiting out now (or last waited out). */
  private period: OpenPeriod;
  private openedAt = 0;
  private forced: IDisposable | undefined;
  private isShutdown = false;
  /** The last state logged, so that each change is logged once however it is noticed. */
  private logged: BreakerState = 'closed';
  /** Set while forceOpen() and reset() move cockatiel through isolation: they log what they did themselves. */
  private quiet = false;

  constructor(
    private readonly name: string,
    private options: BreakerOptions,
    private readonly isFailure: (error: unknown) => boolean,
    private readonly logger: Logger,
  ) {
    this.window = new RollingWindowBreaker(options);
    this.period = this.startPeriod();
    this.circuit = circuitBreaker(handleWhen(isFailure), {
      breaker: this.window,
      halfOpenAfter: { next: this.startPeriod },
    });
    this.subscriptions = [
      this.circuit.onBreak(() => (this.openedAt = Date.now())),
      // A breaker that closes starts afresh: the failures that opened it no longer count.
      this.circuit.onReset(() => this.window.clear()),
      this.circuit.onStateChange((state) => {
        if (!this.quiet) this.logChange(toBreakerState(state));
      }),
    ];
  }

  /** Runs `next` unless the breaker refuses the call; counts the outcome in the window. */
  async run<T>(next: () => Promise<T>): Promise<T> {
    const refusal = this.refusal();
    if (refusal !== undefined) throw refusal;
    try {
      return await this.circuit.execute(next);
    } catch (error) {
      if (isBrokenCircuitError(error)) {
        this.window.recordReject();
        throw new BrokenCircuitError(this.name);
      }
      // cockatiel hands back errors it does not handle without counting them: the dependency answered.
      if (!this.isFailure(error)) this.window.success(CircuitState.Closed);
      throw error;
    }
  }

  /**
   * The error a call made now would be refused with (counted as a reject), or undefined when it
   * may go ahead. Lets the policy fail fast before a call waits for a bulkhead slot.
   */
  refusal(): Error | undefined {
    if (this.isShutdown) return new PolicyShutdownError(this.name);
    const state = this.circuit.state;
    if (state === CircuitState.Closed || (state === CircuitState.Open && this.probeDue())) return undefined;
    this.window.recordReject();
    return new BrokenCircuitError(this.name);
  }

  /** Counts a timeout of a running call in the window (it is judged as a failure or not as well). */
  recordTimeout(): void {
    this.window.recordTimeout();
  }

  state(): BreakerState {
    // A shut-down breaker rejects every call, which is what "open" means to a caller.
    if (this.isShutdown) return 'open';
    const state = this.circuit.state;
    if (state === CircuitState.Open && this.probeDue()) return 'half-open';
    return toBreakerState(state);
  }

  /** Whether forceOpen() holds the breaker open. */
  isForcedOpen(): boolean {
    return this.forced !== undefined;
  }

  /** Counts over the rolling window. */
  stats(): BreakerStats {
    return this.window.counts();
  }

  /** Holds the breaker open (every call refused) until reset(), whatever the window says. */
  forceOpen(): void {
    if (this.isShutdown || this.forced !== undefined) return;
    this.quiet = true;
    this.forced = this.circuit.isolate();
    this.quiet = false;
    this.logged = 'open';
    this.logger.warn({ dependency: this.name, state: 'open', forced: true }, `circuit for ${this.name} forced open`);
  }

  /** Closes the breaker with an empty window, whether it was forced open, opened by failures or probing. */
  reset(): void {
    if (this.isShutdown) return;
    if (this.forced === undefined && this.circuit.state === CircuitState.Closed) {
      this.window.clear();
      return;
    }
    // cockatiel closes a circuit when its last isolation ends; that is its only way to close at will.
    this.quiet = true;
    const isolation = this.forced ?? this.circuit.isolate();
    this.forced = undefined;
    isolation.dispose();
    this.quiet = false;
    this.logChange('closed');
  }

  /**
   * Applies new thresholds without forgetting where the breaker stands: the state stays, and so do
   * the counts unless the window's length changed (counts of another length do not carry over). An
   * open breaker waits a full new resetTimeoutMs from now, or goes half-open at once if it has been
   * open longer than that already.
   */
  update(next: BreakerOptions): void {
    if (sameOptions(this.options, next)) return;
    const before = this.state();
    this.window.setOptions(next);
    if (next.resetTimeoutMs !== this.options.resetTimeoutMs) {
      const openFor = Date.now() - this.openedAt;
      this.period.duration = openFor >= next.resetTimeoutMs ? next.resetTimeoutMs : openFor + next.resetTimeoutMs;
    }
    this.options = next;
    const after = this.state();
    if (after !== before) this.logChange(after);
  }

  shutdown(): void {
    if (this.isShutdown) return;
    this.isShutdown = true;
    for (const subscription of this.subscriptions) subscription.dispose();
  }

  private probeDue(): boolean {
    return Date.now() - this.openedAt >= this.period.duration;
  }

  /** Called by cockatiel whenever the circuit opens: a new period of the resetTimeoutMs in force. */
  private readonly startPeriod = (): OpenPeriod => {
    this.period = { duration: this.options.resetTimeoutMs, next: this.startPeriod };
    return this.period;
  };

  private logChange(state: BreakerState): void {
    if (state === this.logged) return;
    this.logged = state;
    const fields = { dependency: this.name, state };
    if (state === 'open') this.logger.warn(fields, `circuit for ${this.name} opened`);
    else if (state === 'half-open') this.logger.info(fields, `circuit for ${this.name} half-open, probing`);
    else this.logger.info(fields, `circuit for ${this.name} closed`);
  }
}

function toBreakerState(state: CircuitState): BreakerState {
  if (state === CircuitState.Closed) return 'closed';
  if (state === CircuitState.HalfOpen) return 'half-open';
  return 'open'; // Open, or Isolated (forced open)
}

function sameOptions(a: BreakerOptions, b: BreakerOptions): boolean {
  return (
    a.volumeThreshold === b.volumeThreshold &&
    a.errorThresholdPercentage === b.errorThresholdPercentage &&
    a.resetTimeoutMs === b.resetTimeoutMs &&
    a.rollingCountTimeoutMs === b.rollingCountTimeoutMs
  );
}
