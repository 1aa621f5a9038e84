import { trace } from '@opentelemetry/api';
import pino, { type Logger } from 'pino';

/**
 * Field names whose values never reach a log line, at the top level or one object down
 * (`{ headers: { authorization } }`). Deeper wildcards would triple the cost of every line.
 */
const SECRET_FIELDS = ['authorization', 'cookie', 'password', 'token', 'refreshToken', 'accessToken'];

export const REDACT_PATHS = SECRET_FIELDS.flatMap((field) => [field, `*.${field}`]);

const redaction = { redact: { paths: REDACT_PATHS, censor: '[redacted]' } };

/** Errors are logged as name, message and code: stack traces leak internals and bloat logs. */
export function serializeError(error: unknown): Record<string, unknown> {
  if (!(error instanceof Error)) return { message: String(error) };
  const serialized: Record<string, unknown> = { type: error.name, message: error.message };
  const code = (error as { code?: unknown }).code;
  if (code !== undefined) serialized.code = code;
  return serialized;
}

const serializers = { err: serializeError, error: serializeError };

export interface ServiceLoggers {
  /** For application code (ctx.log): secret fields are redacted. */
  log: Logger;
  /** For the per-request line, whose fields are fixed and safe: skips the cost of redaction. */
  requestLog: Logger;
}

/**
 * The ids of the span active when a line is logged, under OpenTelemetry's field names, so a log
 * line leads to its trace and back. Lines logged outside any request carry none.
 */
export function traceIds(): { trace_id?: string; span_id?: string } {
  const span = trace.getActiveSpan();
  // A new object each time: pino merges the line's own fields into what the mixin returns.
  if (span === undefined) return {};
  const { traceId, spanId } = span.spanContext();
  return { trace_id: traceId, span_id: spanId };
}

/**
 * The service's loggers, on top of the caller's logger (tests) or a new one writing to stdout.
 * With `traceIds` (tracing on) every line carries the active trace and span ids; off, no line pays for it.
 */
export function createLoggers(o: {
  name: string;
  instanceId: string;
  level: string;
  logger?: Logger;
  traceIds?: boolean;
}): ServiceLoggers {
  const bindings = { service: o.name, instanceId: o.instanceId };
  // Written asynchronously: a request never waits for stdout (a slow pipe, a busy log collector).
  // Lines queue while a write is in flight and go out together; pino flushes what is left on exit.
  const requestLog = o.logger
    ? o.logger.child(bindings, { serializers })
    : pino(
        { level: o.level, base: bindings, serializers, ...(o.traceIds && { mixin: traceIds }) },
        pino.destination({ dest: 1, sync: false }),
      );
  return { log: requestLog.child({}, redaction), requestLog };
}
