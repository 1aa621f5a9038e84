import { createHash } from 'node:crypto';

/**
 * The suffix kustomize appends to generated ConfigMap and Secret names: the first ten hex digits
 * of a sha256 over the object's kind, type and data (JSON with sorted keys, as Go's encoding/json
 * writes it), with the characters that could spell words replaced. Kustomize 5 hashes the object
 * before it has a name, so the name enters as "".
 */
export function kustomizeNameHash(o: {
  kind: 'ConfigMap' | 'Secret';
  type?: string;
  data: Record<string, string>;
}): string {
  const fields: Record<string, unknown> = { data: sortedObject(o.data), kind: o.kind, name: '' };
  if (o.kind === 'Secret') fields.type = o.type ?? 'Opaque';
  const digest = createHash('sha256')
    .update(goJson(sortedObject(fields)))
    .digest('hex');
  return encode(digest);
}

function sortedObject<T>(record: Record<string, T>): Record<string, T> {
  return Object.fromEntries(Object.entries(record).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

/** JSON.stringify plus the escapes Go adds by default for HTML-sensitive characters. */
function goJson(value: unknown): string {
  return JSON.stringify(value)
    .replace(/</g, '\\u003c')
    .replace(/>/g, '\\u003e')
    .replace(/&/g, '\\u0026')
    .replace(/\u2028/g, '\\u2028')
    .replace(/\u2029/g, '\\u2029');
}

const REPLACEMENTS: Record<string, string> = { '0': 'g', '1': 'h', '3': 'k', a: 'm', e: 't' };

function encode(hex: string): string {
  return [...hex.slice(0, 10)].map((c) => REPLACEMENTS[c] ?? c).join('');
}
