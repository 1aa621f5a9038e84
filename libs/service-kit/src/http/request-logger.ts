import type { NextFunction, Request, Response } from 'express';
import type { Logger } from 'pino';
import { requestStartTime } from './request-id';
import { routeLabel } from './route-label';

/** Probes and scrapes arrive every few seconds; they are logged at debug so they don't drown the rest. */
function isProbe(path: string): boolean {
  return path === '/metrics' || path === '/health' || path.startsWith('/health/');
}

/** The path without the query string, which may carry things that don't belong in logs. */
function pathOf(req: Request): string {
  const url = req.originalUrl;
  const query = url.indexOf('?');
  return query === -1 ? url : url.slice(0, query);
}

/**
 * One line per request: method, route template, path, status, duration and request id; `aborted`
 * when the client went away first. Never bodies or headers, so no Authorization or cookie leaks.
 */
export function createRequestLogger(log: Logger) {
  // Hoisted: `this` is the response, so no closure is created per request.
  function onClose(this: Response): void {
    const req = this.req;
    const status = this.statusCode;
    const aborted = !this.writableFinished;
    const path = pathOf(req);
    const level = status >= 500 ? 'error' : status >= 400 || aborted ? 'warn' : isProbe(path) ? 'debug' : 'info';
    if (!log.isLevelEnabled(level)) return;
    log[level](
      {
        requestId: req.id,
        method: req.method,
        route: routeLabel(req, this),
        path,
        status,
        durationMs: Math.round((performance.now() - requestStartTime(req)) * 100) / 100,
        ...(aborted && { aborted }),
      },
      aborted ? 'request aborted' : 'request completed',
    );
  }

  return function requestLogger(_req: Request, res: Response, next: NextFunction): void {
    res.once('close', onClose);
    next();
  };
}
