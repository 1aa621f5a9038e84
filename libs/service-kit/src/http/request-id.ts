import { randomUUID } from 'node:crypto';
import type { NextFunction, Request, Response } from 'express';
import { runWithRequestContext } from './request-context';

/** A caller's id is kept only when it is a plain token: no spaces, quotes or control characters. */
const SANE_REQUEST_ID = /^[A-Za-z0-9._~:/+=@-]{1,128}$/;

export const REQUEST_ID_HEADER = 'x-request-id';

const startTimes = new WeakMap<Request, number>();

/** When the request reached the app (performance.now()), for logging and metrics. */
export function requestStartTime(req: Request): number {
  return startTimes.get(req) ?? performance.now();
}

export function pickRequestId(header: string | string[] | undefined): string {
  return typeof header === 'string' && SANE_REQUEST_ID.test(header) ? header : randomUUID();
}

/**
 * Takes the caller's x-request-id (or makes one), echoes it on the response and runs the rest of
 * the chain inside an AsyncLocalStorage context so outbound calls and log lines can find it.
 */
export function requestIdMiddleware(req: Request, res: Response, next: NextFunction): void {
  startTimes.set(req, performance.now());
  const id = pickRequestId(req.headers[REQUEST_ID_HEADER]);
  req.id = id;
  res.setHeader(REQUEST_ID_HEADER, id);
  runWithRequestContext({ requestId: id }, next);
}
