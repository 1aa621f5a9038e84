/**
 * A log-safe description of a failure: its message only, never the stack. An error made in another
 * realm (a vm context, Jest's test sandbox) is no `instanceof Error` here, but still has a message.
 */
export function errorMessage(error: unknown): string {
  if (error instanceof Error) return error.message;
  const message = (error as { message?: unknown } | null | undefined)?.message;
  return typeof message === 'string' ? message : String(error);
}

/**
 * One line saying why something failed, for logs and wrapped errors: the message with the error's
 * code in front when the message lacks it (`ECONNREFUSED connect ...`, `UND_ERR_SOCKET other side
 * closed`), the first inner error of an AggregateError without a message of its own (Node reports a
 * refused connection to every address of a host that way), and only the first line of the message.
 */
export function describeError(error: unknown): string {
  const e = error as { code?: unknown; errors?: unknown } | null | undefined;
  let message = errorMessage(error);
  if (message === '' && Array.isArray(e?.errors) && e.errors.length > 0) message = describeError(e.errors[0]);
  const code = typeof e?.code === 'string' ? e.code : undefined;
  if (code !== undefined && !message.includes(code)) message = message === '' ? code : `${code} ${message}`;
  return message.split('\n')[0];
}
