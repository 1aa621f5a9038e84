import { monitorEventLoopDelay, type ELDHistogram } from 'node:perf_hooks';
import type { Logger } from '@lab/common';

export interface EventLoopMonitorOptions {
  /** A tick later than this counts as a stall. */
  stallThresholdMs: number;
  /** How long a stall keeps liveness failing, and how often the delay numbers start afresh. */
  stallWindowMs: number;
  /** How often the stall timer fires; a stall is measured to within this much. */
  sampleIntervalMs: number;
  now: () => number;
  logger: Logger;
}

export interface EventLoopStall {
  /** When the loop got going again (the late tick). */
  at: string;
  /** How late the tick was: roughly how long the loop was blocked. */
  durationMs: number;
}

/** What liveness and /health/detailed say about the event loop. */
export interface EventLoopSnapshot {
  /** True while the last stall lies within the stall window. */
  stalled: boolean;
  stallThresholdMs: number;
  stallWindowMs: number;
  /** Stalls seen since start(). */
  stalls: number;
  lastStall: EventLoopStall | null;
  /** Delay percentiles since the current window began; null before the first sample. */
  delay: { p50Ms: number; p99Ms: number; maxMs: number } | null;
}

const NS_PER_MS = 1e6;
/** The histogram samples every RESOLUTION_MS and records the whole gap, so an idle loop reads ~10ms. */
const RESOLUTION_MS = 10;

/**
 * Notices when the event loop stops turning. A timer asks to fire every sampleIntervalMs; when it
 * fires later than that by more than stallThresholdMs, nothing else ran in between either, so the
 * process was stalled even if it answers now. The perf_hooks histogram only supplies the numbers
 * shown in /health/detailed.
 */
export class EventLoopMonitor {
  private timer: NodeJS.Timeout | undefined;
  private histogram: ELDHistogram | undefined;
  private expectedAt = 0;
  private windowStartedAt = 0;
  private stallCount = 0;
  private last: { at: number; durationMs: number } | undefined;

  constructor(private readonly options: EventLoopMonitorOptions) {}

  start(): void {
    if (this.timer) return;
    const { now, sampleIntervalMs } = this.options;
    this.histogram = monitorEventLoopDelay({ resolution: RESOLUTION_MS });
    this.histogram.enable();
    this.windowStartedAt = now();
    this.expectedAt = this.windowStartedAt + sampleIntervalMs;
    this.timer = setInterval(() => this.tick(), sampleIntervalMs);
    // Watching the loop must never be what keeps a finished process alive.
    this.timer.unref();
  }

  stop(): void {
    clearInterval(this.timer);
    this.timer = undefined;
    this.histogram?.disable();
    this.histogram = undefined;
  }

  /** A stall within the window; read on every liveness probe, so it allocates nothing. */
  stalledRecently(): boolean {
    return this.last !== undefined && this.options.now() - this.last.at <= this.options.stallWindowMs;
  }

  lastStall(): EventLoopStall | null {
    return this.last ? { at: new Date(this.last.at).toISOString(), durationMs: this.last.durationMs } : null;
  }

  snapshot(): EventLoopSnapshot {
    const { stallThresholdMs, stallWindowMs } = this.options;
    return {
      stalled: this.stalledRecently(),
      stallThresholdMs,
      stallWindowMs,
      stalls: this.stallCount,
      lastStall: this.lastStall(),
      delay: this.delay(),
    };
  }

  private tick(): void {
    const { now, sampleIntervalMs, stallThresholdMs, stallWindowMs, logger } = this.options;
    const at = now();
    const lateMs = at - this.expectedAt;
    this.expectedAt = at + sampleIntervalMs;
    if (lateMs > stallThresholdMs) {
      this.stallCount++;
      this.last = { at, durationMs: Math.round(lateMs) };
      logger.warn(
        { stallMs: this.last.durationMs, thresholdMs: stallThresholdMs },
        'event loop stalled: liveness fails for a while',
      );
    }
    if (at - this.windowStartedAt >= stallWindowMs) {
      this.histogram?.reset();
      this.windowStartedAt = at;
    }
  }

  private delay(): EventLoopSnapshot['delay'] {
    const histogram = this.histogram;
    if (!histogram || histogram.count === 0) return null;
    return {
      p50Ms: toMs(histogram.percentile(50)),
      p99Ms: toMs(histogram.percentile(99)),
      maxMs: toMs(histogram.max),
    };
  }
}

/** How late a sample was, in ms to one decimal: the gap minus the resolution it was asked for. */
function toMs(ns: number): number {
  return Math.max(0, Math.round((ns / NS_PER_MS - RESOLUTION_MS) * 10) / 10);
}
