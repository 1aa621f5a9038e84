/** A local server was asked for but its program is not installed; the message says which. */
export class BinaryNotFoundError extends Error {
  readonly code = 'BINARY_NOT_FOUND';
}
