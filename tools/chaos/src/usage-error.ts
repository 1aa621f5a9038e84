/** A command line the tool cannot use: the message says what to change; the exit code is 2. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}
