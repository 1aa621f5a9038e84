import type { CheckDefinition, CheckStatus } from '../state/types';
import { probeHttp } from './http-probe';
import type { ProbeResult } from './probe-result';
import { probeTcp } from './tcp-probe';

export interface Probes {
  http: typeof probeHttp;
  tcp: typeof probeTcp;
}

export interface CheckRunnerOptions {
  /** Intervals below this are raised to it (Consul's floor is one second). */
  minIntervalMs: number;
  /** Receives every result of a running check; results of a stopped check are dropped. */
  onResult(checkId: string, status: CheckStatus, output: string): void;
  probes?: Probes;
}

interface Job {
  readonly definition: CheckDefinition;
  readonly abort: AbortController;
  timer?: NodeJS.Timeout;
}

/**
 * Runs the checks the agent owns: HTTP and TCP probes on their interval (the first one right away,
 * so a new instance turns passing quickly; the next one scheduled only after the previous finished,
 * so a slow target never piles up probes), and TTL timers that turn a check critical when nobody
 * reported within its TTL.
 */
export class CheckRunner {
  private readonly jobs = new Map<string, Job>();
  private readonly probes: Probes;

  constructor(private readonly options: CheckRunnerOptions) {
    this.probes = options.probes ?? { http: probeHttp, tcp: probeTcp };
  }

  /** The interval a probe really runs at. */
  effectiveIntervalMs(intervalMs: number): number {
    return Math.max(intervalMs, this.options.minIntervalMs);
  }

  /** Starts (or restarts with a new definition) the check. */
  start(checkId: string, definition: CheckDefinition): void {
    this.stop(checkId);
    const job: Job = { definition, abort: new AbortController() };
    this.jobs.set(checkId, job);
    if (definition.kind === 'ttl') this.armTtl(checkId, job);
    else void this.probe(checkId, job);
  }

  /** Restarts a TTL check's clock; false when the check is not a running TTL check. */
  heartbeat(checkId: string): boolean {
    const job = this.jobs.get(checkId);
    if (job?.definition.kind !== 'ttl') return false;
    this.armTtl(checkId, job);
    return true;
  }

  stop(checkId: string): void {
    const job = this.jobs.get(checkId);
    if (!job) return;
    this.jobs.delete(checkId);
    clearTimeout(job.timer);
    job.abort.abort();
  }

  stopAll(): void {
    for (const checkId of [...this.jobs.keys()]) this.stop(checkId);
  }

  get runningCount(): number {
    return this.jobs.size;
  }

  private armTtl(checkId: string, job: Job): void {
    if (job.definition.kind !== 'ttl') return;
    clearTimeout(job.timer);
    job.timer = setTimeout(() => {
      if (this.jobs.get(checkId) === job) this.options.onResult(checkId, 'critical', 'TTL expired');
    }, job.definition.ttlMs);
    job.timer.unref();
  }

  private async probe(checkId: string, job: Job): Promise<void> {
    const { definition } = job;
    if (definition.kind === 'ttl') return;
    let result: ProbeResult;
    try {
      result =
        definition.kind === 'http'
          ? await this.probes.http(definition, job.abort.signal)
          : await this.probes.tcp(definition.tcp, definition.timeoutMs, job.abort.signal);
    } catch (error) {
      result = { status: 'critical', output: (error as Error).message };
    }
    if (this.jobs.get(checkId) !== job) return;
    this.options.onResult(checkId, result.status, result.output);
    job.timer = setTimeout(() => void this.probe(checkId, job), this.effectiveIntervalMs(definition.intervalMs));
    job.timer.unref();
  }
}
