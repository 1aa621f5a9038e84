import type { InfraKind } from './infra-kind';
import { INFRA_VARIABLE, isInfraKind, urlVariable } from './infra-kind';
import type { ResolveStep, ServerResolution } from './resolve/types';

/** What the tests of one run know about a kind of server. */
export interface InfraStatus {
  available: boolean;
  url?: string;
  source?: ResolveStep;
  reason?: string;
}

type Env = Readonly<Record<string, string | undefined>>;

/**
 * The server of `kind` that the global setup resolved for this run. Without the global setup (a
 * test run through another Jest config), a TEST_*_URL set by hand still counts, taken on trust.
 */
export function infra(kind: InfraKind, env: Env = process.env): InfraStatus {
  const url = env[urlVariable[kind]] || undefined;
  const recorded = readInfraVariable(env)[kind];
  if (recorded?.available && url) return { ...recorded, url };
  if (recorded?.available) return { available: false, reason: `${urlVariable[kind]} is not set` };
  if (recorded) return { available: false, reason: recorded.reason };
  if (url) return { available: true, url, source: 'env' };
  return { available: false, reason: `the infra global setup did not run and ${urlVariable[kind]} is not set` };
}

/** The environment variables that hand resolutions to Jest workers. */
export function infraEnvironment(resolutions: readonly ServerResolution[]): Record<string, string> {
  const statuses: Partial<Record<InfraKind, Omit<InfraStatus, 'url'>>> = {};
  const variables: Record<string, string> = {};
  for (const r of resolutions) {
    if (r.available) {
      statuses[r.kind] = { available: true, source: r.source };
      variables[urlVariable[r.kind]] = r.url;
    } else {
      statuses[r.kind] = { available: false, reason: r.reason };
    }
  }
  variables[INFRA_VARIABLE] = JSON.stringify(statuses);
  return variables;
}

function readInfraVariable(env: Env): Partial<Record<InfraKind, InfraStatus>> {
  const raw = env[INFRA_VARIABLE];
  if (!raw) return {};
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch {
    throw new Error(`${INFRA_VARIABLE} is not valid JSON`);
  }
  const statuses: Partial<Record<InfraKind, InfraStatus>> = {};
  for (const [kind, value] of Object.entries(parsed as Record<string, unknown>)) {
    if (!isInfraKind(kind) || typeof value !== 'object' || value === null) continue;
    const v = value as Record<string, unknown>;
    statuses[kind] = {
      available: v.available === true,
      source: typeof v.source === 'string' ? (v.source as ResolveStep) : undefined,
      reason: typeof v.reason === 'string' ? v.reason : undefined,
    };
  }
  return statuses;
}
