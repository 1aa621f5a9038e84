import type { ServiceInstance } from '../types';

export interface OutlierDetectorOptions {
  /** Failures in a row (connection errors or 5xx) that eject an instance. Default 5. */
  consecutiveFailures?: number;
  /** First ejection's length; the n-th ejection in a row lasts n times as long. Default 30000. */
  baseEjectionMs?: number;
  /** Longest ejection, however often an instance was ejected. Default 300000. */
  maxEjectionMs?: number;
  /**
   * Largest share of the instances that may be ejected at once, in percent, rounded down, but
   * always at least one out of two or more (0 turns ejection off). Default 50.
   */
  maxEjectionPercent?: number;
  /** The clock, for tests. Default Date.now. */
  now?: () => number;
  /** Told about each ejection as it happens (to log it). */
  onEject?: (ejection: Ejection) => void;
}

export interface Ejection {
  id: string;
  /** Epoch milliseconds at which the instance is used again. */
  until: number;
  /** How many times in a row it has been ejected, this one included. */
  ejections: number;
}

export interface OutlierSnapshot {
  ejected: { id: string; until: string; ejections: number }[];
}

interface InstanceRecord {
  consecutive: number;
  /** Ejections so far; see multiplierAt for how it decays. */
  ejections: number;
  /** 0 when never ejected; the end of the current or the last ejection otherwise. */
  ejectedUntil: number;
}

const DEFAULTS = { consecutiveFailures: 5, baseEjectionMs: 30_000, maxEjectionMs: 300_000, maxEjectionPercent: 50 };

/**
 * Passive outlier detection: an instance whose calls fail several times in a row (connection
 * errors, 5xx) is left out for a while, before the registry's health check has noticed anything
 * or when that check passes but real traffic fails. Ejections grow longer when an instance keeps
 * coming back broken and end by time alone; never more than a set share of the instances is out,
 * so a fault shared by all of them (a bad deploy, our own network) cannot empty the list.
 *
 * Pure: no timers, no I/O; the clock is injected. The hot path, `available()`, returns the very
 * array it was given while nothing is ejected, and a remembered filtered array otherwise.
 */
export class OutlierDetector {
  private readonly consecutiveFailures: number;
  private readonly baseEjectionMs: number;
  private readonly maxEjectionMs: number;
  private readonly maxEjectionPercent: number;
  private readonly now: () => number;
  private readonly onEject: ((ejection: Ejection) => void) | undefined;
  private readonly records = new Map<string, InstanceRecord>();
  /** Instances ejected right now; kept so that the common case costs one comparison. */
  private active = 0;
  /** Earliest end among the active ejections. */
  private nextExpiry = Infinity;
  /** The list seen last by available(): its size bounds ejections, its ids bound the records kept. */
  private known: readonly ServiceInstance[] = [];
  private knownIds = new Set<string>();
  private version = 0;
  private memo: { input: readonly ServiceInstance[]; version: number; output: readonly ServiceInstance[] } | undefined;

  constructor(o: OutlierDetectorOptions = {}) {
    this.consecutiveFailures = positive(o.consecutiveFailures, DEFAULTS.consecutiveFailures, 'consecutiveFailures');
    this.baseEjectionMs = positive(o.baseEjectionMs, DEFAULTS.baseEjectionMs, 'baseEjectionMs');
    this.maxEjectionMs = Math.max(
      this.baseEjectionMs,
      positive(o.maxEjectionMs, DEFAULTS.maxEjectionMs, 'maxEjectionMs'),
    );
    const percent = o.maxEjectionPercent ?? DEFAULTS.maxEjectionPercent;
    if (!(percent >= 0 && percent <= 100)) throw new RangeError(`maxEjectionPercent must be 0..100, got ${percent}`);
    this.maxEjectionPercent = percent;
    this.now = o.now ?? Date.now;
    this.onEject = o.onEject;
  }

  /** The call got an answer below 500: the run of failures is over. An ejection still runs its time. */
  recordSuccess(id: string): void {
    const record = this.records.get(id);
    if (record === undefined) return;
    record.consecutive = 0;
    if (record.ejections === 0) this.records.delete(id);
  }

  /** A connection error or a 5xx. Ejects the instance when the run is long enough and the cap allows. */
  recordFailure(id: string): void {
    const now = this.now();
    this.expire(now);
    let record = this.records.get(id);
    if (record === undefined) {
      record = { consecutive: 0, ejections: 0, ejectedUntil: 0 };
      this.records.set(id, record);
    }
    // Calls that were already in flight when it was ejected say nothing new.
    if (record.ejectedUntil > now) return;
    record.consecutive += 1;
    if (record.consecutive < this.consecutiveFailures || !this.mayEject(id)) return;

    const ejections = this.multiplierAt(record, now) + 1;
    record.ejections = ejections;
    record.consecutive = 0;
    record.ejectedUntil = now + Math.min(this.maxEjectionMs, this.baseEjectionMs * ejections);
    this.active += 1;
    this.nextExpiry = Math.min(this.nextExpiry, record.ejectedUntil);
    this.version += 1;
    this.onEject?.({ id, until: record.ejectedUntil, ejections });
  }

  /**
   * The instances that may be called: `instances` without the ejected ones (at most the allowed
   * share of this list, in list order, should it have shrunk since they were ejected).
   */
  available(instances: readonly ServiceInstance[]): readonly ServiceInstance[] {
    if (instances !== this.known) this.learn(instances);
    if (this.active === 0) return instances;
    const now = this.now();
    if (now >= this.nextExpiry) this.expire(now);
    if (this.active === 0) return instances;
    const memo = this.memo;
    if (memo !== undefined && memo.input === instances && memo.version === this.version) return memo.output;

    let allowed = this.capFor(instances.length);
    const output = instances.filter((instance) => {
      const record = this.records.get(instance.id);
      if (record === undefined || record.ejectedUntil <= now || allowed === 0) return true;
      allowed -= 1;
      return false;
    });
    this.memo = { input: instances, version: this.version, output };
    return output;
  }

  isEjected(id: string): boolean {
    const record = this.records.get(id);
    return record !== undefined && record.ejectedUntil > this.now();
  }

  snapshot(): OutlierSnapshot {
    const now = this.now();
    this.expire(now);
    const ejected: OutlierSnapshot['ejected'] = [];
    for (const [id, record] of this.records) {
      if (record.ejectedUntil > now)
        ejected.push({ id, until: new Date(record.ejectedUntil).toISOString(), ejections: record.ejections });
    }
    return { ejected };
  }

  /** Largest number of instances out of `count` that may be ejected together. */
  private capFor(count: number): number {
    if (count < 2 || this.maxEjectionPercent === 0) return 0;
    return Math.max(1, Math.floor((count * this.maxEjectionPercent) / 100));
  }

  private mayEject(id: string): boolean {
    // Before any list was seen the detector cannot tell what share one instance is: it holds back.
    if (!this.knownIds.has(id)) return false;
    let ejectedKnown = 0;
    const now = this.now();
    for (const [otherId, record] of this.records) {
      if (record.ejectedUntil > now && this.knownIds.has(otherId)) ejectedKnown += 1;
    }
    return ejectedKnown < this.capFor(this.known.length);
  }

  /**
   * The ejection count an instance carries at `now`: one less for every baseEjectionMs it has
   * spent back in service since its last ejection ended, so an instance that behaves again is
   * forgiven step by step, while one that fails as soon as it returns is ejected for longer.
   */
  private multiplierAt(record: InstanceRecord, now: number): number {
    if (record.ejections === 0) return 0;
    const forgiven = Math.floor((now - record.ejectedUntil) / this.baseEjectionMs);
    return Math.max(0, record.ejections - forgiven);
  }

  private expire(now: number): void {
    if (this.active === 0 || now < this.nextExpiry) return;
    let active = 0;
    let next = Infinity;
    for (const record of this.records.values()) {
      if (record.ejectedUntil > now) {
        active += 1;
        next = Math.min(next, record.ejectedUntil);
      }
    }
    this.active = active;
    this.nextExpiry = next;
    this.version += 1;
  }

  /** A new list: remember its ids and drop what we hold about instances that left it. */
  private learn(instances: readonly ServiceInstance[]): void {
    this.known = instances;
    this.knownIds = new Set(instances.map((instance) => instance.id));
    const now = this.now();
    for (const [id, record] of this.records) {
      if (!this.knownIds.has(id) && record.ejectedUntil <= now) this.records.delete(id);
    }
    this.version += 1;
  }
}

function positive(value: number | undefined, fallback: number, name: string): number {
  if (value === undefined) return fallback;
  if (!(value > 0) || !Number.isFinite(value)) throw new RangeError(`${name} must be a positive number, got ${value}`);
  return value;
}
