import type { IncomingHttpHeaders } from 'node:http';
import type { AttemptOutcome } from '@lab/discovery';

/**
 * Why one upstream attempt ended without a response:
 * - connection: the instance refused, reset or dropped the connection before answering; the
 *   request may be tried on another instance when that is safe (see `mayRetryElsewhere`);
 * - timeout: no response headers within the limit (504; never retried: the instance may still be
 *   working on it);
 * - aborted: the caller went away, nothing left to answer;
 * - other: anything else (a bug, a malformed answer): 502.
 */
export type AttemptFailure = 'connection' | 'timeout' | 'aborted' | 'other';

const CONNECTION_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'EPIPE',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EHOSTDOWN',
  'ETIMEDOUT',
  'UND_ERR_SOCKET',
  'UND_ERR_CLOSED',
  'UND_ERR_CONNECT_TIMEOUT',
]);

const TIMEOUT_CODES = new Set(['UND_ERR_HEADERS_TIMEOUT', 'UND_ERR_BODY_TIMEOUT']);
const ABORT_CODES = new Set(['UND_ERR_ABORTED', 'UND_ERR_ABORT', 'ABORT_ERR']);

function errorCode(error: unknown): string | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  const { code, cause, errors } = error as { code?: unknown; cause?: unknown; errors?: unknown };
  if (typeof code === 'string') return code;
  // Connecting to a name with several addresses fails with an AggregateError of one per address.
  if (Array.isArray(errors) && errors.length > 0) return errorCode(errors[0]);
  return cause === undefined ? undefined : errorCode(cause);
}

export function classifyAttemptError(error: unknown): AttemptFailure {
  const code = errorCode(error);
  if (code === undefined) return (error as { name?: unknown })?.name === 'AbortError' ? 'aborted' : 'other';
  if (CONNECTION_CODES.has(code)) return 'connection';
  if (TIMEOUT_CODES.has(code)) return 'timeout';
  if (ABORT_CODES.has(code)) return 'aborted';
  return 'other';
}

const IDEMPOTENT_METHODS = new Set(['GET', 'HEAD', 'OPTIONS', 'PUT', 'DELETE']);

/**
 * Whether a request that failed with a connection error may be sent again to another instance.
 * Idempotent methods may; a POST only with an Idempotency-Key (the service then answers a repeat
 * with the first result); anything else never, since the first instance may have acted on it. In
 * every case the body must not have started flowing: it is streamed, not kept, so it cannot be
 * sent twice.
 */
export function mayRetryElsewhere(method: string, headers: IncomingHttpHeaders, bodyStarted: boolean): boolean {
  if (bodyStarted) return false;
  if (IDEMPOTENT_METHODS.has(method)) return true;
  return method === 'POST' && headers['idempotency-key'] !== undefined;
}

/**
 * What an attempt that got no response says about the instance, for outlier ejection: refusing,
 * dropping, not answering in time or answering garbage count against it; the client going away
 * does not.
 */
export const outcomeOfFailure: Readonly<Record<AttemptFailure, AttemptOutcome>> = {
  connection: 'failure',
  timeout: 'failure',
  other: 'failure',
  aborted: 'neutral',
};

/**
 * What a response says about the instance once it has been streamed: a 5xx counts against it (the
 * gateway passes it on and never retries it), and so does a body the upstream broke off; a client
 * that walked away says nothing about the instance.
 */
export function outcomeOfResponse(status: number, streamError: unknown, clientGone: boolean): AttemptOutcome {
  if (status >= 500) return 'failure';
  if (clientGone) return 'neutral';
  return streamError ? 'failure' : 'success';
}
