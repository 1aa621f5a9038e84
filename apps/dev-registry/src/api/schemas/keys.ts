/**
 * Consul decodes request bodies without regard to key case and also accepts snake_case spellings
 * ("enable_tag_override", "deregister_critical_service_after"). This maps such keys onto the
 * canonical names, one object level at a time, so maps whose keys are data (Meta, Header) are
 * never touched.
 */
export function canonicalizeKeys(value: unknown, canonicalNames: readonly string[]): unknown {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return value;
  const byFolded = new Map(canonicalNames.map((name) => [fold(name), name]));
  const result: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(value)) {
    result[byFolded.get(fold(key)) ?? key] = item;
  }
  return result;
}

function fold(key: string): string {
  return key.replaceAll('_', '').toLowerCase();
}
