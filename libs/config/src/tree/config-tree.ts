/**
 * A configuration tree: nested plain objects whose leaves are JSON values. Arrays are leaves: a layer
 * that sets a list replaces it whole, because merging lists item by item never does what people mean.
 */
export type ConfigTree = { [key: string]: unknown };

export function isPlainObject(value: unknown): value is ConfigTree {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  // Object.prototype of any realm (structuredClone, vm contexts), or no prototype at all.
  const proto = Object.getPrototypeOf(value) as object | null;
  return proto === null || Object.getPrototypeOf(proto) === null;
}

/** Keys that would reach Object.prototype through a tree built from untrusted input. */
const FORBIDDEN_SEGMENTS = new Set(['__proto__', 'prototype', 'constructor']);

export function isSafeSegment(segment: string): boolean {
  return segment !== '' && !FORBIDDEN_SEGMENTS.has(segment);
}

/**
 * Sets `value` at `segments` inside `tree` (mutating it), creating objects on the way. A leaf that
 * stands where an object is needed is replaced: the deeper key is the more specific one.
 */
export function setAtPath(tree: ConfigTree, segments: readonly string[], value: unknown): void {
  let node = tree;
  for (const segment of segments.slice(0, -1)) {
    const next = node[segment];
    if (isPlainObject(next)) node = next;
    else node = node[segment] = {};
  }
  const last = segments[segments.length - 1];
  node[last] = isPlainObject(value) && isPlainObject(node[last]) ? mergeTrees(node[last] as ConfigTree, value) : value;
}

/** `over` on top of `base`, recursively for objects; neither input is changed. */
export function mergeTrees(base: ConfigTree, over: ConfigTree): ConfigTree {
  const merged: ConfigTree = { ...base };
  for (const [key, value] of Object.entries(over)) {
    if (value === undefined) continue;
    const current = merged[key];
    merged[key] = isPlainObject(current) && isPlainObject(value) ? mergeTrees(current, value) : value;
  }
  return merged;
}

/** Path predicate: object paths that count as one leaf (a feature flag's definition is one value). */
export type LeafRule = (path: readonly string[]) => boolean;

/** Calls `visit` for every leaf of `tree` (non-empty objects are walked into, unless `stopAt` says not). */
export function walkLeaves(
  tree: ConfigTree,
  visit: (path: string[], value: unknown) => void,
  stopAt: LeafRule = () => false,
): void {
  const walk = (node: ConfigTree, path: string[]): void => {
    for (const [key, value] of Object.entries(node)) {
      if (value === undefined) continue;
      const childPath = [...path, key];
      if (isPlainObject(value) && Object.keys(value).length > 0 && !stopAt(childPath)) walk(value, childPath);
      else visit(childPath, value);
    }
  };
  walk(tree, []);
}

/** Every leaf of `tree` by its dotted path ("resilience.product-service.timeoutMs"). */
export function flattenTree(tree: ConfigTree, stopAt?: LeafRule): Map<string, unknown> {
  const leaves = new Map<string, unknown>();
  walkLeaves(tree, (path, value) => leaves.set(path.join('.'), value), stopAt);
  return leaves;
}

/** Dotted paths whose leaf differs between two trees (added, removed or changed), sorted. */
export function changedPaths(before: ConfigTree, after: ConfigTree): string[] {
  const a = flattenTree(before);
  const b = flattenTree(after);
  const changed = new Set<string>();
  for (const [path, value] of a) if (!b.has(path) || !sameJson(value, b.get(path))) changed.add(path);
  for (const path of b.keys()) if (!a.has(path)) changed.add(path);
  return [...changed].sort();
}

/** Structural equality of JSON-like values (key order does not matter). */
export function sameJson(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (Array.isArray(a)) return Array.isArray(b) && a.length === b.length && a.every((item, i) => sameJson(item, b[i]));
  if (isPlainObject(a)) {
    if (!isPlainObject(b)) return false;
    const keys = Object.keys(a).filter((k) => a[k] !== undefined);
    const otherKeys = Object.keys(b).filter((k) => b[k] !== undefined);
    return keys.length === otherKeys.length && keys.every((k) => sameJson(a[k], b[k]));
  }
  if (a instanceof Date && b instanceof Date) return a.getTime() === b.getTime();
  return Number.isNaN(a) && Number.isNaN(b);
}

/** Freezes a value and everything reachable from it, so that a published config cannot be edited in place. */
export function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const child of Object.values(value)) deepFreeze(child);
  }
  return value;
}

/** Deepest nesting a configuration value may have: real settings need a handful of levels. */
export const MAX_CONFIG_DEPTH = 32;

/**
 * How deeply `value` nests objects and arrays (a scalar is 0), counted without recursion and
 * stopping once past `limit`, so that a hostile value nested 20 000 levels deep costs little and
 * never overflows the stack.
 */
export function nestingDepth(value: unknown, limit = MAX_CONFIG_DEPTH): number {
  let deepest = 0;
  const stack: Array<[unknown, number]> = [[value, 0]];
  while (stack.length > 0) {
    const [node, depth] = stack.pop()!;
    if (typeof node !== 'object' || node === null) continue;
    const level = depth + 1;
    if (level > deepest) deepest = level;
    if (deepest > limit) return deepest;
    for (const child of Object.values(node)) stack.push([child, level]);
  }
  return deepest;
}
