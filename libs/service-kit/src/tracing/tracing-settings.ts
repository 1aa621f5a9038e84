/**
 * Whether this process traces, decided from the OpenTelemetry variables alone so that it can be
 * asked before express and pg are loaded (instrumentation patches them as they are required).
 * Off unless an OTLP endpoint is set or OTEL_TRACES_EXPORTER names an exporter (otlp: the spec's
 * default endpoint, localhost:4318; console: spans on stdout); OTEL_SDK_DISABLED=true wins.
 * The values themselves are validated with the rest of the configuration (base-config).
 */
export type TraceExporterKind = 'otlp' | 'console';

export interface TracingSettings {
  exporter: TraceExporterKind;
  /** Where OTLP/HTTP spans are posted (…/v1/traces); only with the otlp exporter. */
  url?: string;
}

const DEFAULT_OTLP_TRACES_URL = 'http://localhost:4318/v1/traces';

type Env = Record<string, string | undefined>;

/** The traces URL the OTLP variables name: the signal-specific one as given, else <endpoint>/v1/traces. */
export function otlpTracesUrl(env: Env): string | undefined {
  const specific = env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT?.trim();
  if (specific) return specific;
  const base = env.OTEL_EXPORTER_OTLP_ENDPOINT?.trim();
  if (!base) return undefined;
  return `${base.replace(/\/+$/, '')}/v1/traces`;
}

export function tracingSettings(env: Env): TracingSettings | undefined {
  if (env.OTEL_SDK_DISABLED?.trim().toLowerCase() === 'true') return undefined;
  const exporter = env.OTEL_TRACES_EXPORTER?.trim().toLowerCase();
  if (exporter === 'none') return undefined;
  if (exporter === 'console') return { exporter: 'console' };
  const url = otlpTracesUrl(env) ?? (exporter === 'otlp' ? DEFAULT_OTLP_TRACES_URL : undefined);
  return url === undefined ? undefined : { exporter: 'otlp', url };
}
