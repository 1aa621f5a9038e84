const UNIT_MS: Record<string, number> = { ns: 1e-6, us: 1e-3, µs: 1e-3, ms: 1, s: 1000, m: 60_000, h: 3_600_000 };
const PART = /(\d+(?:\.\d+)?)(ns|us|µs|ms|s|m|h)/y;

/** Parses a Go/Consul duration string ("30s", "1m30s", "250ms") into milliseconds. */
export function parseDuration(text: string): number {
  let total = 0;
  let consumed = 0;
  while (consumed < text.length) {
    PART.lastIndex = consumed;
    const match = PART.exec(text);
    if (match === null) break;
    total += Number(match[1]) * UNIT_MS[match[2]];
    consumed = PART.lastIndex;
  }
  if (text.length === 0 || consumed !== text.length) {
    throw new TypeError(`invalid duration "${text}" (expected e.g. "30s", "1m30s", "250ms")`);
  }
  return total;
}
