/** One sample line of the Prometheus text format: `name{label="value",...} 42`. */
export interface MetricSample {
  name: string;
  labels: Readonly<Record<string, string>>;
  value: number;
}

const SAMPLE = /^([A-Za-z_:][A-Za-z0-9_:]*)(\{.*\})?\s+(\S+)(?:\s+-?\d+)?$/;
const LABEL = /\s*([A-Za-z_][A-Za-z0-9_]*)\s*=\s*"((?:[^"\\]|\\.)*)"\s*,?/y;
const ESCAPE = /\\(.)/g;

/** Number() reads "NaN" but not Prometheus's "+Inf" and "-Inf". */
function parseValue(text: string): number {
  if (text === '+Inf') return Infinity;
  if (text === '-Inf') return -Infinity;
  return Number(text);
}

function unescapeLabel(text: string): string {
  return text.replace(ESCAPE, (_, c: string) => (c === 'n' ? '\n' : c));
}

function parseLabels(block: string): Record<string, string> | undefined {
  const labels: Record<string, string> = {};
  const inner = block.slice(1, -1);
  LABEL.lastIndex = 0;
  while (LABEL.lastIndex < inner.length) {
    const start = LABEL.lastIndex;
    const match = LABEL.exec(inner);
    if (match === null) return inner.slice(start).trim() === '' ? labels : undefined;
    labels[match[1]] = unescapeLabel(match[2]);
  }
  return labels;
}

/**
 * The samples of a Prometheus text exposition (version 0.0.4), the format every /metrics here
 * serves. Comment and type lines are skipped, and so is any line that does not parse: a dashboard
 * shows what it can read rather than nothing. Written here rather than taken from npm because the
 * one parser published there has not been maintained for years, and a dashboard needs only the
 * sample lines.
 */
export function parsePrometheusText(text: string): MetricSample[] {
  const samples: MetricSample[] = [];
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) continue;
    const match = SAMPLE.exec(line);
    if (match === null) continue;
    const labels = match[2] === undefined ? {} : parseLabels(match[2]);
    const value = parseValue(match[3]);
    if (labels === undefined || Number.isNaN(value)) continue;
    samples.push({ name: match[1], labels, value });
  }
  return samples;
}
