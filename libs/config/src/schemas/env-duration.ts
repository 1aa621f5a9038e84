import { DurationError, parseDuration } from '@lab/common';
import { z } from 'zod';

const MESSAGE = 'expected a duration such as 500ms, 10s, 1m30s or 2h';

/** Milliseconds for a Go duration ("500ms", "1m30s"), surrounding blanks ignored; undefined when malformed or negative. */
function durationMs(text: string): number | undefined {
  try {
    const ms = parseDuration(text.trim());
    return ms >= 0 ? ms : undefined;
  } catch (error) {
    if (error instanceof DurationError) return undefined;
    throw error;
  }
}

/**
 * A duration in Go's notation, the one Consul and the registration settings use ("500ms", "10s",
 * "1m30s", "2h"), parsed to milliseconds. A number without a unit is refused (only "0" is allowed),
 * since its unit would be a guess. The default may be written the same way ("10s") or as ms.
 */
export function envDuration(defaultValue?: string | number) {
  const schema = z.string().transform((text, ctx) => {
    const ms = durationMs(text);
    if (ms !== undefined) return ms;
    ctx.addIssue({ code: 'custom', message: MESSAGE });
    return z.NEVER;
  });
  return defaultValue === undefined ? schema : schema.default(defaultDuration(defaultValue));
}

function defaultDuration(value: string | number): number {
  const ms = typeof value === 'number' ? value : durationMs(value);
  // A bad default is a programming error: fail when the schema is built, not at start-up.
  if (ms === undefined || !Number.isFinite(ms) || ms < 0) throw new TypeError(`invalid default duration: ${value}`);
  return ms;
}
