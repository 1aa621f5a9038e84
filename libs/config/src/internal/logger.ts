/** The pino-compatible shape every part of this library logs through. */
export interface Logger {
  debug(o: object, m?: string): void;
  info(o: object, m?: string): void;
  warn(o: object, m?: string): void;
  error(o: object, m?: string): void;
}

const ignore = (): void => undefined;

/** The default: a library says nothing unless its user hands it a logger. */
export const silentLogger: Logger = { debug: ignore, info: ignore, warn: ignore, error: ignore };

export function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
