import { z } from 'zod';

/** One of a fixed set of words, e.g. envEnum(['consul', 'memory'], 'consul'). */
export function envEnum<const V extends readonly [string, ...string[]]>(values: V, defaultValue?: V[number]) {
  const schema = z.enum(values, { error: () => `expected one of ${values.join(', ')}` });
  return defaultValue === undefined ? schema : schema.default(defaultValue);
}
