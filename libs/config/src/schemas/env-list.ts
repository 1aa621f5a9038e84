import { z } from 'zod';

/** "a,b,c" -> ['a', 'b', 'c'], each item checked by `item`; empty items are ignored. */
export function envList(item: z.ZodType<string, string>, what: string) {
  return z
    .string()
    .transform((text) =>
      text
        .split(',')
        .map((part) => part.trim())
        .filter(Boolean),
    )
    .pipe(
      z.array(item, { error: `expected a comma-separated list of ${what}` }).min(1, `expected at least one ${what}`),
    );
}
