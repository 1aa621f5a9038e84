import { parseArgs, type ParseArgsConfig } from 'node:util';

/**
 * A command line the tool cannot use: its message says what to change, in one line; the tool exits
 * with 2. A command's entry catches it; anything else that escapes is a failure, not a usage error.
 */
export class UsageError extends Error {
  override readonly name = 'UsageError';
  readonly code = 'USAGE';
}

/** What the command line may hold; unknown options are always refused. */
export type CommandLineConfig = Omit<ParseArgsConfig, 'args' | 'strict'>;

/**
 * node:util's parseArgs in strict mode, with its refusals (an unknown option, a missing value, a
 * positional where none is taken) as UsageError, so every tool answers a bad line the same way.
 */
export function parseCommandLine<const T extends CommandLineConfig>(
  argv: readonly string[],
  config: T,
): ReturnType<typeof parseArgs<T & { args: string[]; strict: true }>> {
  try {
    return parseArgs({ ...config, args: [...argv], strict: true });
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
}
