import { isFlagDefinitionPath } from '../layers/kv-layout';
import { redactSecrets } from '../secrets';
import type { ConfigTree } from '../tree/config-tree';
import { isPlainObject, walkLeaves } from '../tree/config-tree';

export type ConfigSource = 'default' | 'file' | 'env' | 'kv';

export interface ExplainedValue {
  value: unknown;
  source: ConfigSource;
}

export interface ExplainInput {
  /** The effective configuration (schema output with the flags in force). */
  effective: ConfigTree;
  /** The trees each layer contributed, lowest first. */
  layers: readonly { source: Exclude<ConfigSource, 'default'>; tree: ConfigTree }[];
  /** Paths (and the subtrees below them) whose values are never shown. */
  secretPaths: readonly string[];
}

/**
 * Every effective setting by dotted path with the layer that decided it: the highest layer that sets
 * the path (or something below it), else the schema's default. Secrets are redacted: the listed
 * paths and what lies below them, paths named like secrets, and passwords inside URLs.
 */
export function explainConfig(input: ExplainInput): Record<string, ExplainedValue> {
  const setBy = input.layers.map(({ source, tree }) => ({ source, paths: pathsWithAncestors(tree) }));
  const values: Record<string, unknown> = {};
  const sources: Record<string, ConfigSource> = {};
  walkLeaves(
    input.effective,
    (segments, value) => {
      // An empty object (no flags, an optional group left out) is not a setting.
      if (isPlainObject(value) && Object.keys(value).length === 0) return;
      const path = segments.join('.');
      values[path] = value;
      sources[path] = setBy.findLast((layer) => layer.paths.has(path))?.source ?? 'default';
    },
    isFlagDefinitionPath,
  );
  const secretKeys = Object.keys(values).filter((path) =>
    input.secretPaths.some((s) => path === s || path.startsWith(`${s}.`)),
  );
  const shown = redactSecrets(values, secretKeys);
  const explained: Record<string, ExplainedValue> = {};
  for (const path of Object.keys(values).sort()) explained[path] = { value: shown[path], source: sources[path] };
  return explained;
}

/** Every leaf path of `tree` and every object path above one. */
function pathsWithAncestors(tree: ConfigTree): Set<string> {
  const paths = new Set<string>();
  walkLeaves(tree, (segments) => {
    for (let i = 1; i <= segments.length; i++) paths.add(segments.slice(0, i).join('.'));
  });
  return paths;
}
