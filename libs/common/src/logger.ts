/**
 * The structured logger every lib logs through: pino's (object, message) call shape, so a pino
 * logger fits as it is. Libraries default to `silentLogger` and never write to the console.
 */
export interface Logger {
  debug(o: object, m?: string): void;
  info(o: object, m?: string): void;
  warn(o: object, m?: string): void;
  error(o: object, m?: string): void;
}

const ignore = (): void => undefined;

/** The default: a library says nothing unless its user hands it a logger. */
export const silentLogger: Logger = Object.freeze({ debug: ignore, info: ignore, warn: ignore, error: ignore });
