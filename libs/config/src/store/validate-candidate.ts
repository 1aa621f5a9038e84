import type { z } from 'zod';
import { flagSetSchema, type FlagSet } from '../flags/flag-definition';
import type { ConfigPathIssue } from '../layers/config-path-issue';
import type { ConfigTree } from '../tree/config-tree';

export type CandidateResult<T> = { ok: true; value: T; flags: FlagSet } | { ok: false; issues: ConfigPathIssue[] };

/**
 * Checks a merged candidate against the service's schema, and its `flags` against the flag
 * definition schema, reporting every problem by dotted path. zod's own messages name the expected
 * type or range, not the value received, so the issues are safe to log.
 */
export function validateCandidate<S extends z.ZodType>(schema: S, tree: ConfigTree): CandidateResult<z.output<S>> {
  const issues: ConfigPathIssue[] = [];
  const parsed = schema.safeParse(tree);
  if (!parsed.success) issues.push(...parsed.error.issues.map((i) => toPathIssue(i.path, i.message)));
  const flags = flagSetSchema.safeParse(tree.flags ?? {});
  if (!flags.success) issues.push(...flags.error.issues.map((i) => toPathIssue(['flags', ...i.path], i.message)));
  if (!parsed.success || !flags.success) return { ok: false, issues: dedupe(issues) };
  return { ok: true, value: parsed.data, flags: flags.data };
}

function toPathIssue(path: readonly PropertyKey[], message: string): ConfigPathIssue {
  return { path: path.length > 0 ? path.map(String).join('.') : '(root)', message };
}

/** The schema and the flag check can both complain about `flags`; report each problem once. */
function dedupe(issues: ConfigPathIssue[]): ConfigPathIssue[] {
  const seen = new Set<string>();
  return issues.filter((i) => {
    const key = `${i.path}\n${i.message}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}
