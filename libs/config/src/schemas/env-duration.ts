import { z } from 'zod';

const UNIT_MS: Readonly<Record<string, number>> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };
const DURATION = /^(\d+(?:\.\d+)?)(ms|s|m|h)?$/;
const MESSAGE = 'expected a duration such as 500ms, 10s, 1m, 2h or a number of milliseconds';

/** Milliseconds for "500ms", "10s", "1m", "2h" or a bare number of milliseconds; undefined if malformed. */
export function parseDuration(text: string): number | undefined {
  const match = DURATION.exec(text.trim());
  if (!match) return undefined;
  return Math.round(Number(match[1]) * UNIT_MS[match[2] ?? 'ms']);
}

/** A duration parsed to milliseconds. The default may be written the same way ("10s") or as ms. */
export function envDuration(defaultValue?: string | number) {
  const schema = z.string().transform((text, ctx) => {
    const ms = parseDuration(text);
    if (ms !== undefined) return ms;
    ctx.addIssue({ code: 'custom', message: MESSAGE });
    return z.NEVER;
  });
  return defaultValue === undefined ? schema : schema.default(defaultDuration(defaultValue));
}

function defaultDuration(value: string | number): number {
  const ms = typeof value === 'number' ? value : parseDuration(value);
  // A bad default is a programming error: fail when the schema is built, not at start-up.
  if (ms === undefined || !Number.isFinite(ms) || ms < 0) throw new TypeError(`invalid default duration: ${value}`);
  return ms;
}
