import type { ConfigTree } from '../tree/config-tree';
import { isSafeSegment, setAtPath, walkLeaves } from '../tree/config-tree';
import { formatValue, parseValue } from '../tree/parse-value';

/** Settings every service reads live under this scope, beneath each service's own. */
export const SHARED_SCOPE = 'shared';

/** `config/<scope>/`: where one service's (or the shared) keys live in the KV store. */
export function kvPrefix(scope: string): string {
  return `config/${scope}/`;
}

/**
 * The tree that KV entries under `prefix` describe: `config/order-service/resilience/product-service/timeoutMs`
 * = `800` becomes `{ resilience: { 'product-service': { timeoutMs: 800 } } }`. Shallow keys are
 * applied first, so a deeper key always wins over the same field inside a shallower JSON object.
 * Keys with an unusable segment (`__proto__`) are skipped.
 */
export function kvEntriesToTree(entries: ReadonlyMap<string, string>, prefix: string): ConfigTree {
  const items: { segments: string[]; text: string }[] = [];
  for (const [key, text] of entries) {
    if (!key.startsWith(prefix) || text === '') continue;
    const segments = key
      .slice(prefix.length)
      .split('/')
      .filter((s) => s !== '');
    if (segments.length === 0 || !segments.every(isSafeSegment)) continue;
    items.push({ segments, text });
  }
  items.sort(
    (a, b) => a.segments.length - b.segments.length || a.segments.join('/').localeCompare(b.segments.join('/')),
  );
  const tree: ConfigTree = {};
  for (const { segments, text } of items) setAtPath(tree, segments, parseValue(text));
  return tree;
}

/** A feature flag's definition is one KV value (`flags/<name>` = JSON), not one key per field. */
export function isFlagDefinitionPath(path: readonly string[]): boolean {
  return path.length === 2 && path[0] === 'flags';
}

/**
 * The KV entries (relative keys, e.g. `resilience/product-service/timeoutMs`) that describe `tree`:
 * one key per leaf, one per feature flag. The inverse of kvEntriesToTree.
 */
export function treeToKvEntries(tree: ConfigTree): Map<string, string> {
  const entries = new Map<string, string>();
  walkLeaves(tree, (path, value) => entries.set(path.join('/'), formatValue(value)), isFlagDefinitionPath);
  return entries;
}
