import { DuplicateCheckError } from './errors/DuplicateCheckError';
import { silentLogger, type Logger } from './Logger';
import { MonitoredCheck } from './MonitoredCheck';
import type { HealthCheck, HealthResponse, OverallStatus } from './types';

export interface HealthRegistryOptions {
  /** How often each check runs unless it sets intervalMs. Default 5s: half the usual 10s probe
   * period, so a probe seldom reads a result older than its own period. */
  defaultIntervalMs?: number;
  /** How long a run may take unless the check sets timeoutMs. Default 2s: a dependency slower
   * than that for a trivial query cannot serve requests either. */
  defaultTimeoutMs?: number;
  /** A result older than this many of its check's intervals counts as failing. Default 3. */
  staleAfterIntervals?: number;
  now?: () => number;
  logger?: Logger;
}

export type NotReadyReason = 'starting' | 'draining' | 'checks failing';

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
  private scheduling = false;
  private startupComplete = false;
  private isDraining = false;

  constructor(options: HealthRegistryOptions = {}) {
    this.defaultIntervalMs = options.defaultIntervalMs ?? 5000;
    this.defaultTimeoutMs = options.defaultTimeoutMs ?? 2000;
    this.staleAfterIntervals = options.staleAfterIntervals ?? 3;
    this.now = options.now ?? (() => Date.now());
    this.logger = options.logger ?? silentLogger;
  }

  add(check: HealthCheck): void {
    if (this.checks.has(check.name)) throw new DuplicateCheckError(check.name);
    const monitored = new MonitoredCheck(check, {
      intervalMs: check.intervalMs ?? this.defaultIntervalMs,
      timeoutMs: check.timeoutMs ?? this.defaultTimeoutMs,
      staleAfterIntervals: this.staleAfterIntervals,
      now: this.now,
      logger: this.logger,
    });
    this.checks.set(check.name, monitored);
    if (this.scheduling) this.begin(monitored);
  }

  /** Runs every check now and then on its own interval. */
  start(): void {
    if (this.scheduling) return;
    this.scheduling = true;
    for (const check of this.checks.values()) this.begin(check);
  }

  stop(): void {
    this.scheduling = false;
    for (const check of this.checks.values()) check.unschedule();
  }

  /** Runs every check once now; resolves when all have finished or timed out. */
  async runAll(): Promise<void> {
    await Promise.all([...this.checks.values()].map((check) => check.run()));
  }

  /** The service has finished starting (config loaded, migrations run, routes mounted). */
  markStarted(): void {
    this.startupComplete = true;
  }

  /** The service is shutting down: stop receiving traffic while in-flight requests finish. */
  markDraining(): void {
    if (!this.isDraining) this.logger.info({}, 'draining: readiness now fails');
    this.isDraining = true;
  }

  get draining(): boolean {
    return this.isDraining;
  }

  /**
   * Liveness answers "is this process able to answer at all?". It never looks at dependencies:
   * a database outage would otherwise make the orchestrator restart every instance at once,
   * which fixes nothing and adds a thundering herd of reconnects when the database returns.
   */
  live(): HealthResponse {
    return { status: 200, body: { status: 'pass' } };
  }

  /** Readiness: should this instance receive traffic now? */
  ready(): HealthResponse {
    const reason = this.notReadyReason();
    const checks: Record<string, { status: string; critical: boolean }> = {};
    for (const check of this.checks.values()) checks[check.name] = { status: check.status(), critical: check.critical };
    if (reason) return { status: 503, body: { status: 'fail', reason, checks } };
    return { status: 200, body: { status: 'pass', checks } };
  }

  /** Startup: has initialisation finished? Orchestrators hold liveness probes back until it has. */
  startup(): HealthResponse {
    if (this.startupComplete) return { status: 200, body: { status: 'pass' } };
    return { status: 503, body: { status: 'fail', reason: 'starting' } };
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
      checks,
    };
    return { status: status === 'fail' ? 503 : 200, body };
  }

  private begin(check: MonitoredCheck): void {
    check.schedule();
    void check.run();
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
