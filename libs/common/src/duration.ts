// Go's time.Duration text format, which Consul uses for every duration it reads or prints
// ("10s", "1m30s", "500ms", "1.5h", "0"), and so does every duration setting here. Values are
// carried in milliseconds (fractions allowed). The grammar is Go's: a number without a unit is
// refused (except "0"), because its unit would be a guess.

const UNIT_MS: Readonly<Record<string, number>> = {
  ns: 1e-6,
  us: 1e-3,
  µs: 1e-3, // U+00B5 micro sign
  μs: 1e-3, // U+03BC Greek mu: Go accepts both
  ms: 1,
  s: 1_000,
  m: 60_000,
  h: 3_600_000,
};

const PART = /(\d+\.?\d*|\.\d+)(ns|us|µs|μs|ms|s|m|h)/y;

/** A text that is not a Go duration. */
export class DurationError extends TypeError {
  readonly code = 'INVALID_DURATION';
  constructor(readonly input: string) {
    super(`invalid duration "${input}" (expected a Go duration such as "500ms", "30s" or "1m30s")`);
    this.name = 'DurationError';
  }
}

/** Parses a Go duration string into milliseconds; throws DurationError on anything Go would refuse. */
export function parseDuration(text: string): number {
  let rest = text;
  let sign = 1;
  if (rest.startsWith('-') || rest.startsWith('+')) {
    sign = rest.startsWith('-') ? -1 : 1;
    rest = rest.slice(1);
  }
  if (rest === '0') return 0;
  if (rest === '') throw new DurationError(text);

  let total = 0;
  let at = 0;
  while (at < rest.length) {
    PART.lastIndex = at;
    const match = PART.exec(rest);
    if (match === null) throw new DurationError(text);
    total += Number(match[1]) * UNIT_MS[match[2]];
    at = PART.lastIndex;
  }
  return sign * total;
}

/** Formats milliseconds the way Go's Duration.String does ("1m30s", "500ms", "1h0m0s", "0s"). */
export function formatDuration(ms: number): string {
  if (ms === 0) return '0s';
  const sign = ms < 0 ? '-' : '';
  const abs = Math.abs(ms);
  if (abs < 1) return `${sign}${trim(abs * 1000)}µs`;
  if (abs < 1_000) return `${sign}${trim(abs)}ms`;

  const hours = Math.floor(abs / 3_600_000);
  const minutes = Math.floor((abs % 3_600_000) / 60_000);
  const seconds = (abs % 60_000) / 1_000;
  if (hours > 0) return `${sign}${hours}h${minutes}m${trim(seconds)}s`;
  if (minutes > 0) return `${sign}${minutes}m${trim(seconds)}s`;
  return `${sign}${trim(seconds)}s`;
}

/** Drops floating-point noise (0.1 + 0.2) and trailing zeros. */
function trim(n: number): string {
  return String(Number(n.toFixed(9)));
}
