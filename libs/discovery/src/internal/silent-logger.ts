import type { Logger } from '../types';

const noop = (): void => undefined;

export const silentLogger: Logger = { debug: noop, info: noop, warn: noop, error: noop };

/** A log-safe description of a failure: the message only, never the stack. */
export function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
