import type { NextFunction, Request, Response } from 'express';
import type { Logger } from 'pino';
import { databaseFailureDetail, dependencyFailureDetail } from './dependency-errors';
import { HttpProblem, NotFound, ServiceUnavailable } from './problem';

export const PROBLEM_CONTENT_TYPE = 'application/problem+json';

const internalError = new HttpProblem(500, 'Internal Server Error');

/** What the client is told about an error; logs get message and code, never a stack trace. */
export function toProblem(error: unknown): HttpProblem {
  if (error instanceof HttpProblem) return error;
  const dependency = dependencyFailureDetail(error) ?? databaseFailureDetail(error);
  if (dependency !== undefined) return new ServiceUnavailable(dependency);
  return internalError;
}

/** The problem document (RFC 9457) for a request to `url`, naming the request id. */
export function problemDocument(problem: HttpProblem, url: string, requestId: string): string {
  const body: Record<string, unknown> = {
    type: problem.type,
    title: problem.title,
    status: problem.status,
    detail: problem.detail,
    instance: url.split('?', 1)[0],
    requestId,
  };
  if (problem.errors) body.errors = problem.errors;
  return JSON.stringify(body);
}

export function sendProblem(req: Request, res: Response, problem: HttpProblem): void {
  res.status(problem.status);
  if (problem.headers) res.set(problem.headers);
  res.type(PROBLEM_CONTENT_TYPE).send(problemDocument(problem, req.originalUrl, req.id));
}

/** How the error handler logs an error it answers: 5xx only (503 as a warning), never a stack. */
export function logAnsweredError(
  log: Logger,
  error: unknown,
  problem: HttpProblem,
  o: { requestId: string; method: string; path: string },
): void {
  if (problem.status < 500) return;
  const level = problem.status === 503 ? 'warn' : 'error';
  log[level]({ err: error, requestId: o.requestId, method: o.method, path: o.path }, problem.detail ?? problem.title);
}

/** The last handler before the error handler: every unmatched route is a 404 problem. */
export function notFoundHandler(req: Request, _res: Response, next: NextFunction): void {
  next(new NotFound(`No route for ${req.method} ${req.path}`));
}

export function createErrorHandler(log: Logger) {
  // Express recognises an error handler by its four parameters, so `_next` must stay.
  return function errorHandler(error: unknown, req: Request, res: Response, _next: NextFunction): void {
    const problem = toProblem(error);
    logAnsweredError(log, error, problem, { requestId: req.id, method: req.method, path: req.path });
    if (res.headersSent) {
      // Too late for a problem document: cut the response short so the client sees it failed.
      // (Express's own final handler would do the same, but print the stack to stderr first.)
      res.destroy();
      return;
    }
    sendProblem(req, res, problem);
  };
}
