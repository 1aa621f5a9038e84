import { DuplicateCheckError } from './errors/duplicate-check-error';
import { StartupCompleteError } from './errors/startup-complete-error';
import { EventLoopMonitor } from './event-loop-monitor';
import { type Logger, silentLogger } from '@lab/common';
import { MonitoredCheck } from './monitored-check';
import { ReadinessListeners, type NotReadyReason, type ReadinessListener } from './readiness-listeners';
import { StartupConditions } from './startup-conditions';
import type { HealthCheck, HealthResponse, OverallStatus } from './types';

export type { NotReadyReason, ReadinessListener } from './readiness-listeners';

export interface HealthRegistryOptions {
  /** How often each check runs unless it sets intervalMs. Default 5s: half the usual 10s probe
   * period, so a probe seldom reads a result older than its own period. */
  defaultIntervalMs?: number;
  /** How long a run may take unless the check sets timeoutMs. Default 2s: a dependency slower
   * than that for a trivial query cannot serve requests either. */
  defaultTimeoutMs?: number;
  /** A result older than this many of its check's intervals counts as failing. Default 3. */
  staleAfterIntervals?: number;
  /** Liveness fails after the event loop was blocked longer than this. Default 2s: no request
   * handler should ever hold the loop that long, while GC pauses and bursts stay well below it. */
  stallThresholdMs?: number;
  /** How long liveness keeps failing after a stall. Default 10s, one liveness period: a single
   * stall fails at most one probe beyond the ones it timed out, never three in a row. */
  stallWindowMs?: number;
  /** How often the stall timer fires. Default 250ms; a stall is measured to within this. */
  eventLoopSampleIntervalMs?: number;
  now?: () => number;
  logger?: Logger;
}

/**
 * Runs dependency checks in the background and answers probes from their latest results.
 * Every probe method is a synchronous read: a probe never waits on a dependency, so a slow
 * database cannot make the health endpoint itself time out.
 */
export class HealthRegistry {
  private readonly checks = new Map<string, MonitoredCheck>();
  private readonly defaultIntervalMs: number;
  private readonly defaultTimeoutMs: number;
  private readonly staleAfterIntervals: number;
  private readonly now: () => number;
  private readonly logger: Logger;
  private readonly eventLoop: EventLoopMonitor;
  private readonly conditions = new StartupConditions();
  private readonly readiness: ReadinessListeners;
  private readonly onResult = () => void this.evaluateReadiness();
  private scheduling = false;
  private markedStarted = false;
  /** Latched: once start-up has passed it stays passed, as orchestrators stop asking. */
  private startupComplete = false;
  private isDraining = false;

  constructor(options: HealthRegistryOptions = {}) {
    this.defaultIntervalMs = options.defaultIntervalMs ?? 5000;
    this.defaultTimeoutMs = options.defaultTimeoutMs ?? 2000;
    this.staleAfterIntervals = options.staleAfterIntervals ?? 3;
    this.now = options.now ?? (() => Date.now());
    this.logger = options.logger ?? silentLogger;
    this.readiness = new ReadinessListeners(this.logger);
    this.eventLoop = new EventLoopMonitor({
      stallThresholdMs: options.stallThresholdMs ?? 2000,
      stallWindowMs: options.stallWindowMs ?? 10_000,
      sampleIntervalMs: options.eventLoopSampleIntervalMs ?? 250,
      now: this.now,
      logger: this.logger,
    });
  }

  add(check: HealthCheck): void {
    if (this.checks.has(check.name)) throw new DuplicateCheckError(check.name);
    const monitored = new MonitoredCheck(check, {
      intervalMs: check.intervalMs ?? this.defaultIntervalMs,
      timeoutMs: check.timeoutMs ?? this.defaultTimeoutMs,
      staleAfterIntervals: this.staleAfterIntervals,
      now: this.now,
      logger: this.logger,
      onResult: this.onResult,
    });
    this.checks.set(check.name, monitored);
    // A new critical check is pending, which can take a ready instance out of rotation.
    this.evaluateReadiness();
    if (this.scheduling) this.begin(monitored);
  }

  /** Runs every check now and then on its own interval, and starts watching the event loop. */
  start(): void {
    if (this.scheduling) return;
    this.scheduling = true;
    this.eventLoop.start();
    for (const check of this.checks.values()) this.begin(check);
  }

  stop(): void {
    this.scheduling = false;
    this.eventLoop.stop();
    for (const check of this.checks.values()) check.unschedule();
  }

  /** Runs every check once now; resolves when all have finished or timed out. */
  async runAll(): Promise<void> {
    await Promise.all([...this.checks.values()].map((check) => check.run()));
  }

  /**
   * Start-up also waits for `name` ('migrations', 'registration'...) until completeStartup(name).
   * Require every condition before markStarted(): start-up, once passed, does not reopen.
   */
  requireForStartup(name: string): void {
    if (this.startupComplete) throw new StartupCompleteError(name);
    this.conditions.require(name);
  }

  /** Marks a required condition done; completing it twice is harmless, an unknown name throws. */
  completeStartup(name: string): void {
    if (!this.conditions.complete(name, this.now())) return;
    this.logger.info({ condition: name }, `start-up condition ${name} complete`);
    this.evaluateStartup();
  }

  /** The service has finished its own start-up code (config loaded, routes mounted, listening). */
  markStarted(): void {
    this.markedStarted = true;
    this.evaluateStartup();
  }

  /** The service is shutting down: stop receiving traffic while in-flight requests finish. */
  markDraining(): void {
    if (this.isDraining) return;
    this.isDraining = true;
    this.logger.info({}, 'draining: readiness fails from now on');
    this.evaluateReadiness();
  }

  /**
   * Calls `listener(ready, reason)` on every flip of ready() between 200 and 503 — to feed a
   * Consul TTL check, or withdraw an etcd/ZooKeeper registration while not ready. Flips are
   * noticed when a check result lands, when start-up, a condition or draining changes, and when
   * ready() is read (a result that went stale). Read ready() for the current answer. Returns an
   * unsubscribe function.
   */
  onReadinessChange(listener: ReadinessListener): () => void {
    return this.readiness.add(listener);
  }

  get draining(): boolean {
    return this.isDraining;
  }

  /**
   * Liveness answers "is this process working?": it answers, and its event loop has not been
   * stalled beyond stallThresholdMs within the last stallWindowMs (watched from start() on).
   * It never looks at dependencies: a database outage would otherwise make the orchestrator
   * restart every instance at once, which fixes nothing and adds a thundering herd of
   * reconnects when the database returns.
   */
  live(): HealthResponse {
    if (!this.eventLoop.stalledRecently()) return { status: 200, body: { status: 'pass' } };
    return {
      status: 503,
      body: { status: 'fail', reason: 'event loop stalled', lastStall: this.eventLoop.lastStall() },
    };
  }

  /** Readiness: should this instance receive traffic now? */
  ready(): HealthResponse {
    const reason = this.evaluateReadiness();
    const checks: Record<string, { status: string; critical: boolean }> = {};
    for (const check of this.checks.values()) checks[check.name] = { status: check.status(), critical: check.critical };
    if (reason) return { status: 503, body: { status: 'fail', reason, checks } };
    return { status: 200, body: { status: 'pass', checks } };
  }

  /**
   * Startup: has initialisation finished (markStarted() and every required condition)?
   * Orchestrators hold liveness and readiness probes back until it has. `pending` names the
   * conditions still awaited.
   */
  startup(): HealthResponse {
    if (this.startupComplete) return { status: 200, body: { status: 'pass' } };
    const pending = this.conditions.pending();
    const body = { status: 'fail', reason: 'starting', ...(pending.length > 0 && { pending }) };
    return { status: 503, body };
  }

  /** Overall status with each check's status; 503 only when a critical check fails. */
  summary(): HealthResponse {
    const checks: Record<string, string> = {};
    for (const check of this.checks.values()) checks[check.name] = check.status();
    const status = this.overallStatus();
    return { status: status === 'fail' ? 503 : 200, body: { status, checks } };
  }

  /**
   * Everything known about every check, plus `extra` (discovery caches, breaker states...).
   * Shaped after the IETF "Health Check Response Format for HTTP APIs" draft: status is
   * pass/warn/fail and `checks` is keyed by component name.
   */
  detailed(extra: Record<string, unknown> = {}): HealthResponse {
    const checks: Record<string, unknown> = {};
    for (const check of this.checks.values()) checks[check.name] = check.detail();
    const status = this.overallStatus();
    const body = {
      ...extra,
      status,
      started: this.startupComplete,
      draining: this.isDraining,
      time: new Date(this.now()).toISOString(),
      startup: { pending: this.conditions.pending(), conditions: this.conditions.detail() },
      eventLoop: this.eventLoop.snapshot(),
      checks,
    };
    return { status: status === 'fail' ? 503 : 200, body };
  }

  private begin(check: MonitoredCheck): void {
    check.schedule();
    void check.run();
  }

  private evaluateStartup(): void {
    if (this.startupComplete || !this.markedStarted || !this.conditions.allComplete()) return;
    this.startupComplete = true;
    this.logger.info({}, 'start-up complete');
    this.evaluateReadiness();
  }

  /** The current reason not to be ready (undefined: ready), passed on to listeners when it flips. */
  private evaluateReadiness(): NotReadyReason | undefined {
    const reason = this.notReadyReason();
    this.readiness.update(reason);
    return reason;
  }

  private notReadyReason(): NotReadyReason | undefined {
    if (this.isDraining) return 'draining';
    if (!this.startupComplete) return 'starting';
    for (const check of this.checks.values()) {
      if (check.critical && check.status() !== 'pass') return 'checks failing';
    }
    return undefined;
  }

  private overallStatus(): OverallStatus {
    let status: OverallStatus = 'pass';
    for (const check of this.checks.values()) {
      if (check.status() === 'pass') continue;
      if (check.critical) return 'fail';
      status = 'warn';
    }
    return status;
  }
}
