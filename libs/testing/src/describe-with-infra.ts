import type { InfraStatus } from './infra';
import { infra } from './infra';
import type { InfraKind } from './infra-kind';
import { REQUIRE_INFRA_VARIABLE } from './infra-kind';

export type SuiteDecision = { action: 'run' } | { action: 'skip'; reason: string } | { action: 'fail'; reason: string };

/**
 * Pure: whether a suite that needs `kinds` runs, is skipped (with the reason) or, when every server
 * is required, fails (with the reason).
 */
export function decideSuite(
  kinds: readonly InfraKind[],
  statusOf: (kind: InfraKind) => InfraStatus,
  requireInfra: boolean,
): SuiteDecision {
  const missing = kinds
    .map((kind) => ({ kind, status: statusOf(kind) }))
    .filter(({ status }) => !status.available)
    .map(({ kind, status }) => `${kind} unavailable (${status.reason ?? 'no reason given'})`);
  if (missing.length === 0) return { action: 'run' };
  const reason = missing.join('; ');
  return requireInfra
    ? { action: 'fail', reason: `${reason}; ${REQUIRE_INFRA_VARIABLE}=1` }
    : { action: 'skip', reason };
}

export function requireInfraFrom(env: Readonly<Record<string, string | undefined>> = process.env): boolean {
  return env[REQUIRE_INFRA_VARIABLE] === '1' || env[REQUIRE_INFRA_VARIABLE] === 'true';
}

const warned = new Set<string>();

/** Something a suite needs that is not one of the servers above: a command-line tool, say. */
export interface SuiteRequirement {
  /** What it is, as the skip or failure names it ("kubectl"). */
  name: string;
  available: boolean;
  /** Why it is missing. */
  reason?: string;
}

/**
 * `describe(name, fn)` when every server in `kinds` is available. Otherwise the suite is skipped
 * with its reason printed, or, with REQUIRE_INFRA=1, replaced by one failing test that names it.
 */
export function describeWithInfra(kinds: readonly InfraKind[], name: string, fn: () => void): void {
  describeAs(
    decideSuite(kinds, (kind) => infra(kind), requireInfraFrom()),
    'the servers it needs',
    name,
    fn,
  );
}

/**
 * The same for a requirement that is not a server (a tool on PATH): run, skip with the reason, or
 * fail under REQUIRE_INFRA=1, so that CI cannot pass by skipping what it lacks.
 */
export function describeWithRequirement(requirement: SuiteRequirement, name: string, fn: () => void): void {
  describeAs(decideRequirement(requirement, requireInfraFrom()), requirement.name, name, fn);
}

/** Pure: whether a suite that needs `requirement` runs, is skipped or fails, with the reason. */
export function decideRequirement(requirement: SuiteRequirement, requireInfra: boolean): SuiteDecision {
  if (requirement.available) return { action: 'run' };
  const reason = `${requirement.name} unavailable (${requirement.reason ?? 'no reason given'})`;
  return requireInfra
    ? { action: 'fail', reason: `${reason}; ${REQUIRE_INFRA_VARIABLE}=1` }
    : { action: 'skip', reason };
}

function describeAs(decision: SuiteDecision, needs: string, name: string, fn: () => void): void {
  switch (decision.action) {
    case 'run':
      describe(name, fn);
      return;
    case 'fail':
      describe(name, () => {
        it(`has ${needs}`, () => {
          throw new Error(`${name}: ${decision.reason}`);
        });
      });
      return;
    case 'skip': {
      const message = `skipping "${name}": ${decision.reason}`;
      if (!warned.has(message)) {
        warned.add(message);
        console.warn(message);
      }
      describe.skip(name, fn);
    }
  }
}
