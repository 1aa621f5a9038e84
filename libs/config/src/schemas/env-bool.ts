import { z } from 'zod';

const WORDS: Readonly<Record<string, boolean>> = {
  true: true,
  false: false,
  '1': true,
  '0': false,
  yes: true,
  no: false,
};

/** A flag written the ways people write flags: true/false, 1/0, yes/no (any case). */
export function envBool(defaultValue?: boolean) {
  const schema = z.string().transform((text, ctx) => {
    const value = WORDS[text.trim().toLowerCase()];
    if (value !== undefined) return value;
    ctx.addIssue({ code: 'custom', message: 'expected one of true, false, 1, 0, yes, no' });
    return z.NEVER;
  });
  return defaultValue === undefined ? schema : schema.default(defaultValue);
}
