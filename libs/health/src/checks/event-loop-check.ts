import { monitorEventLoopDelay } from 'node:perf_hooks';
import type { HealthCheck } from '../types';
import { defineCheck, type CheckOptions } from './options';

export interface EventLoopCheckOptions extends CheckOptions {
  /** Fail when the p99 delay since the previous run exceeds this. Default 200ms: past that,
   * most requests in the window waited visibly just to be picked up. */
  maxDelayMs?: number;
}

const NS_PER_MS = 1e6;

/**
 * Fails when the event loop was blocked for too long since the previous run. Non-critical by
 * default: a busy instance is worth flagging, but taking it out of rotation only moves the load.
 */
export function eventLoopCheck(options: EventLoopCheckOptions = {}): HealthCheck {
  const maxDelayMs = options.maxDelayMs ?? 200;
  // Sampling starts now so the first run already covers a window. The histogram's timer is
  // unref'd by Node, so it never holds the process open.
  const histogram = monitorEventLoopDelay({ resolution: 10 });
  histogram.enable();

  return defineCheck({ name: 'event-loop', critical: false }, options, async () => {
    const hasSamples = histogram.count > 0;
    const p99Ms = hasSamples ? round(histogram.percentile(99) / NS_PER_MS) : 0;
    const maxMs = hasSamples ? round(histogram.max / NS_PER_MS) : 0;
    histogram.reset();
    if (p99Ms > maxDelayMs) throw new Error(`event loop p99 delay ${p99Ms}ms exceeds ${maxDelayMs}ms`);
    return { p99Ms, maxMs, limitMs: maxDelayMs };
  });
}

function round(ms: number): number {
  return Math.round(ms * 10) / 10;
}
