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

/** The service's loggers, on top of the caller's logger (tests) or a new one writing to stdout. */
export function createLoggers(o: { name: string; instanceId: string; level: string; logger?: Logger }): ServiceLoggers {
  const bindings = { service: o.name, instanceId: o.instanceId };
  const requestLog = o.logger
    ? o.logger.child(bindings, { serializers })
    : pino({ level: o.level, base: bindings, serializers });
  return { log: requestLog.child({}, redaction), requestLog };
}
