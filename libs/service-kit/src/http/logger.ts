import pino, { type Logger } from 'pino';

/** Field names whose values never reach a log line, wherever they appear (two levels deep). */
const SECRET_FIELDS = ['authorization', 'cookie', 'password', 'token', 'refreshToken', 'accessToken'];

export const REDACT_PATHS = SECRET_FIELDS.flatMap((field) => [field, `*.${field}`, `*.*.${field}`]);

/** Errors are logged as name, message and code: stack traces leak internals and bloat logs. */
export function serializeError(error: unknown): Record<string, unknown> {
  if (!(error instanceof Error)) return { message: String(error) };
  const serialized: Record<string, unknown> = { type: error.name, message: error.message };
  const code = (error as { code?: unknown }).code;
  if (code !== undefined) serialized.code = code;
  return serialized;
}

export function createLogger(o: { name: string; instanceId: string; level: string }): Logger {
  return pino({
    level: o.level,
    base: { service: o.name, instanceId: o.instanceId },
    redact: { paths: REDACT_PATHS, censor: '[redacted]' },
    serializers: { err: serializeError, error: serializeError },
  });
}
