/**
 * The part of Kubernetes' strategic merge patch that kustomize overlays commonly use: maps merge
 * recursively, `null` deletes a key, and lists whose items have a merge key (containers and env by
 * name, volume mounts by mountPath, container ports by containerPort, ...) merge item by item.
 * Other lists are replaced. `$patch` directives and JSON patches are not supported.
 */
export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };
export type JsonObject = { [key: string]: JsonValue };

/** Merge keys of the Kubernetes API lists that overlays patch, by field name. */
const MERGE_KEYS: Record<string, (item: JsonObject) => string | undefined> = {
  containers: () => 'name',
  initContainers: () => 'name',
  env: () => 'name',
  envFrom: () => undefined,
  volumes: () => 'name',
  volumeMounts: () => 'mountPath',
  imagePullSecrets: () => 'name',
  topologySpreadConstraints: () => 'topologyKey',
  // A container's ports merge by containerPort, a Service's by port.
  ports: (item) => ('containerPort' in item ? 'containerPort' : 'port'),
};

export class UnsupportedPatchError extends Error {
  readonly code = 'UNSUPPORTED_PATCH';
}

export function isObject(value: unknown): value is JsonObject {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

export function strategicMerge(original: JsonValue | undefined, patch: JsonValue, field = ''): JsonValue {
  if (isObject(patch)) {
    if ('$patch' in patch)
      throw new UnsupportedPatchError(`$patch directives are not supported (in ${field || 'the patch root'})`);
    const result: JsonObject = isObject(original) ? { ...original } : {};
    for (const [key, value] of Object.entries(patch)) {
      if (key.startsWith('$')) throw new UnsupportedPatchError(`directive ${key} is not supported`);
      if (value === null) delete result[key];
      else result[key] = strategicMerge(result[key], value, key);
    }
    return result;
  }
  if (Array.isArray(patch) && Array.isArray(original)) return mergeList(original, patch, field);
  return patch;
}

function mergeList(original: JsonValue[], patch: JsonValue[], field: string): JsonValue[] {
  const keyOf = MERGE_KEYS[field] as ((item: JsonObject) => string | undefined) | undefined;
  const first = patch.find(isObject) ?? original.find(isObject);
  const key = keyOf !== undefined && first !== undefined ? keyOf(first) : undefined;
  if (!key || !patch.every(isObject) || !original.every(isObject)) return patch;
  const items = original as JsonObject[];
  const merged: JsonValue[] = [];
  const used = new Set<JsonObject>();
  // Kustomize lists the patch's items first, each merged into its original, then the untouched originals.
  for (const item of patch as JsonObject[]) {
    const match = items.find((candidate) => candidate[key] === item[key]);
    if (match) used.add(match);
    merged.push(strategicMerge(match, item, field));
  }
  for (const item of items) if (!used.has(item)) merged.push(item);
  return merged;
}
