import type { InfraKind } from '../infra-kind';
import { infraKinds, urlVariable } from '../infra-kind';
import { infraEnvironment } from '../infra';
import { requireInfraFrom } from '../describe-with-infra';
import { redactUrl } from '../redact-url';
import { resolveInfra } from '../resolve/resolvers';
import type { ServerResolution } from '../resolve/types';

// globalSetup and globalTeardown run in Jest's main process; module state does not survive between
// them reliably (Jest may load each file afresh), so the stop functions live on globalThis.
const STOPS = Symbol.for('lab.testing.infraStops');
type WithStops = typeof globalThis & { [STOPS]?: Array<() => Promise<void>> };

/** One line per kind, e.g. "infra: redis unavailable — no TEST_REDIS_URL, no container runtime, ...". */
export function describeResolution(r: ServerResolution): string {
  if (!r.available) return `infra: ${r.kind} unavailable — ${r.reason}`;
  const passedOver = r.passedOver.length > 0 ? ` [passed over: ${r.passedOver.join(', ')}]` : '';
  return `infra: ${r.kind} from ${r.source} (${redactUrl(r.url)})${passedOver}`;
}

/**
 * Resolves Postgres, Redis and Consul once per Jest run and hands them to the workers through
 * TEST_POSTGRES_URL, TEST_REDIS_URL, TEST_CONSUL_URL and TEST_INFRA (workers inherit this process's
 * environment). Servers started here run until the global teardown.
 */
export default async function globalSetup(): Promise<void> {
  const resolutions = await Promise.all(infraKinds.map((kind) => resolveInfra(kind)));
  const started = resolutions.filter((r) => r.available && r.source !== 'env');
  (globalThis as WithStops)[STOPS] = started.map((r) => (r.available ? r.stop : async () => undefined));

  for (const r of resolutions) process.stdout.write(`${describeResolution(r)}\n`);
  for (const kind of infraKinds) delete process.env[urlVariable[kind]];
  Object.assign(process.env, infraEnvironment(resolutions));

  const missing = missingRequiredInfra(resolutions, requireInfraFrom());
  if (missing) {
    await globalTeardown();
    throw missing;
  }
}

/**
 * Under REQUIRE_INFRA=1 a run without Postgres stops before any test: nearly every suite needs it.
 * Missing Redis or Consul fail only the suites that ask for them (describeWithInfra).
 */
export function missingRequiredInfra(
  resolutions: readonly ServerResolution[],
  requireInfra: boolean,
): Error | undefined {
  const postgres = resolutions.find((r) => r.kind === ('postgres' satisfies InfraKind));
  if (!requireInfra || !postgres || postgres.available) return undefined;
  return new Error(`REQUIRE_INFRA=1 and no Postgres could be found: ${postgres.reason}`);
}

/** Stops every server the global setup started. */
export async function globalTeardown(): Promise<void> {
  const stops = (globalThis as WithStops)[STOPS] ?? [];
  (globalThis as WithStops)[STOPS] = [];
  const results = await Promise.allSettled(stops.map((stop) => stop()));
  const failures = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
  if (failures.length > 0) {
    process.stderr.write(
      `infra: ${failures.length} server(s) failed to stop: ${failures.map((f) => String(f.reason)).join('; ')}\n`,
    );
  }
}
