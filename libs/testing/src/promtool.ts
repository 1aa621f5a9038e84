import { spawnSync } from 'node:child_process';
import type { SuiteRequirement } from './describe-with-infra';

/** Prometheus' own checker (Debian's `prometheus` package): metrics text, configuration, rules. */
export function promtoolRequirement(): SuiteRequirement {
  const missing = spawnSync('promtool', ['--version'], { stdio: 'ignore' }).error !== undefined;
  return {
    name: 'promtool',
    available: !missing,
    reason: missing ? 'not on PATH (Debian package prometheus)' : undefined,
  };
}

export interface PromtoolResult {
  status: number | null;
  /** stdout and stderr together, as promtool splits its findings between them. */
  output: string;
}

/** Runs `promtool <args>` with `input` on its standard input (for `check metrics`). */
export function promtool(args: readonly string[], input?: string, cwd?: string): PromtoolResult {
  const run = spawnSync('promtool', args, { input, cwd, encoding: 'utf8', timeout: 60_000 });
  if (run.error) throw run.error;
  return { status: run.status, output: `${run.stdout}${run.stderr}`.trim() };
}

/**
 * The findings of `promtool check metrics` on a scrape, less those about prom-client's own default
 * gauges named `nodejs_active_{handles,requests,resources}_total` (a gauge with a counter's suffix),
 * which a library user cannot rename. Anything else, ours or not, is returned.
 */
export function checkMetricsText(text: string): string[] {
  const { output } = promtool(['check', 'metrics'], text);
  return output
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '' && !PROM_CLIENT_DEFAULTS.test(line));
}

const PROM_CLIENT_DEFAULTS =
  /^nodejs_active_(?:handles|requests|resources)_total non-counter metrics should not have "_total" suffix$/;
