import type { NextFunction, Request, Response } from 'express';
import type { Logger } from 'pino';
import { requestStartTime } from './request-id';
import { routeLabel } from './route-label';

/** Probes and scrapes arrive every few seconds; they are logged at debug so they don't drown the rest. */
function isProbe(path: string): boolean {
  return path === '/metrics' || path === '/health' || path.startsWith('/health/');
}

/** The path without the query string, which may carry things that don't belong in logs. */
export function stripQuery(url: string): string {
  const query = url.indexOf('?');
  return query === -1 ? url : url.slice(0, query);
}

/** What the request log line says about one request. */
export interface RequestLogFields {
  requestId: string;
  method: string;
  route: string;
  /** The URL as received (the query string is cut off here). */
  url: string;
  status: number;
  durationMs: number;
  aborted: boolean;
}

/**
 * One line per request: method, route template, path, status, duration and request id; `aborted`
 * when the client went away first. Never bodies or headers, so no Authorization or cookie leaks.
 * Errors at error/warn, probes at debug, the rest at info; nothing is built below the level.
 */
export function logRequest(log: Logger, f: RequestLogFields): void {
  const { status, aborted } = f;
  const path = stripQuery(f.url);
  const level = status >= 500 ? 'error' : status >= 400 || aborted ? 'warn' : isProbe(path) ? 'debug' : 'info';
  if (!log.isLevelEnabled(level)) return;
  log[level](
    {
      requestId: f.requestId,
      method: f.method,
      route: f.route,
      path,
      status,
      durationMs: Math.round(f.durationMs * 100) / 100,
      ...(aborted && { aborted }),
    },
    aborted ? 'request aborted' : 'request completed',
  );
}

export function createRequestLogger(log: Logger) {
  // Hoisted: `this` is the response, so no closure is created per request.
  function onClose(this: Response): void {
    const req = this.req;
    logRequest(log, {
      requestId: req.id,
      method: req.method,
      route: routeLabel(req, this),
      url: req.originalUrl,
      status: this.statusCode,
      durationMs: performance.now() - requestStartTime(req),
      aborted: !this.writableFinished,
    });
  }

  return function requestLogger(_req: Request, res: Response, next: NextFunction): void {
    res.once('close', onClose);
    next();
  };
}
