import type { Logger } from '../types';

const noop = (): void => undefined;

export const silentLogger: Logger = { debug: noop, info: noop, warn: noop, error: noop };

/** A log-safe description of a failure: the message only, never the stack. */
export function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** Like errorMessage, with the error code in front when the message lacks it (ECONNREFUSED, UND_ERR_SOCKET). */
export function describeError(error: unknown): string {
  const code = (error as { code?: unknown } | undefined)?.code;
  const message = errorMessage(error);
  return typeof code === 'string' && !message.includes(code) ? `${code} ${message}` : message;
}
