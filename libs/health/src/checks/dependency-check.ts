import { InvalidCheckOptionError } from '../errors/invalid-check-option-error';
import type { HealthCheck } from '../types';
import { defineCheck, type CheckOptions } from './options';

export interface DependencyCheckOptions extends CheckOptions {
  /** Fail below this many instances. Default 1. */
  minInstances?: number;
}

/**
 * Fails when a service this one calls has no healthy instance, e.g. with
 * `() => directory.cache('product-service').instances()` — the watched list, so a run costs no
 * registry query. Non-critical by default: taking every caller out of rotation because one
 * neighbour is down turns a partial outage into a full one; set `critical: true` only when
 * nothing this service does can work without it.
 */
export function dependencyCheck(
  name: string,
  instances: () => readonly unknown[],
  options: DependencyCheckOptions = {},
): HealthCheck {
  const minInstances = options.minInstances ?? 1;
  if (!Number.isInteger(minInstances) || minInstances < 1) {
    throw new InvalidCheckOptionError(
      name,
      'minInstances',
      `must be a whole number of at least 1, got ${minInstances}`,
    );
  }
  return defineCheck({ name, critical: false }, options, async () => {
    const count = instances().length;
    if (count === 0) throw new Error(`no healthy instance of ${name}`);
    if (count < minInstances) throw new Error(`${count} healthy instances of ${name}, fewer than ${minInstances}`);
    return { instances: count };
  });
}
