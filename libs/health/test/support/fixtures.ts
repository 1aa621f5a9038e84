import { HealthRegistry, type HealthRegistryOptions } from '../../src/health-registry';
import type { HealthCheck } from '../../src/types';

/** A check whose outcome the test flips; counts its runs and keeps the signals it was given. */
export function switchable(name: string, overrides: Partial<HealthCheck> = {}) {
  const state = { healthy: true, runs: 0, signals: [] as AbortSignal[] };
  const check: HealthCheck = {
    name,
    critical: true,
    async run(signal) {
      state.runs++;
      state.signals.push(signal);
      if (!state.healthy) throw new Error(`${name} unreachable`);
    },
    ...overrides,
  };
  return { check, state };
}

/** A critical check that never settles and ignores its signal. */
export const hanging: HealthCheck = {
  name: 'hanging',
  critical: true,
  timeoutMs: 500,
  run: () => new Promise(() => undefined),
};

export function recordingLogger() {
  const lines: { level: string; obj: Record<string, unknown>; msg?: string }[] = [];
  const at = (level: string) => (obj: object, msg?: string) =>
    lines.push({ level, obj: obj as Record<string, unknown>, msg });
  return { logger: { debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') }, lines };
}

/** A registry on jest's fake clock with short defaults (1s interval, 200ms timeout). */
export function registry(options: HealthRegistryOptions = {}): HealthRegistry {
  return new HealthRegistry({ defaultIntervalMs: 1000, defaultTimeoutMs: 200, now: () => jest.now(), ...options });
}
