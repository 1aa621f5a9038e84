import type { NextFunction, Request, Response } from 'express';
import type { Logger } from 'pino';
import { databaseFailureDetail, dependencyFailureDetail } from './dependency-errors';
import { BadRequest, HttpProblem, NotFound, PayloadTooLarge, ServiceUnavailable } from './problem';

export const PROBLEM_CONTENT_TYPE = 'application/problem+json';

const internalError = new HttpProblem(500, 'Internal Server Error');

/** What the client is told about an error; logs get message and code, never a stack trace. */
export function toProblem(error: unknown): HttpProblem {
  if (error instanceof HttpProblem) return error;
  // body-parser marks its errors with `type` (and `status`); they are the caller's fault.
  const bodyError = (error as { type?: unknown } | null)?.type;
  if (bodyError === 'entity.too.large') return new PayloadTooLarge('The request body is too large');
  if (bodyError === 'entity.parse.failed') {
    return new BadRequest('Malformed JSON body', { errors: [{ field: 'body', message: jsonSyntaxMessage(error) }] });
  }
  if (
    (typeof bodyError === 'string' && bodyError.startsWith('entity.')) ||
    bodyError === 'encoding.unsupported' ||
    bodyError === 'charset.unsupported'
  ) {
    return new BadRequest('The request body could not be read');
  }
  const dependency = dependencyFailureDetail(error) ?? databaseFailureDetail(error);
  if (dependency !== undefined) return new ServiceUnavailable(dependency);
  return internalError;
}

/**
 * What JSON.parse said, without the part that quotes the body back ("abc" is not valid JSON):
 * the body may hold a password, and the problem document must not repeat it.
 */
export function jsonSyntaxMessage(error: unknown): string {
  const message = error instanceof Error ? error.message : '';
  const quoteAt = message.indexOf('"');
  const safe = (quoteAt === -1 ? message : message.slice(0, quoteAt)).replace(/[\s,]+$/, '');
  return safe === '' ? 'is not valid JSON' : safe;
}

export function sendProblem(req: Request, res: Response, problem: HttpProblem): void {
  const body: Record<string, unknown> = {
    type: problem.type,
    title: problem.title,
    status: problem.status,
    detail: problem.detail,
    instance: req.originalUrl.split('?', 1)[0],
    requestId: req.id,
  };
  if (problem.errors) body.errors = problem.errors;
  res.status(problem.status);
  if (problem.headers) res.set(problem.headers);
  res.type(PROBLEM_CONTENT_TYPE).send(JSON.stringify(body));
}

/** The last handler before the error handler: every unmatched route is a 404 problem. */
export function notFoundHandler(req: Request, _res: Response, next: NextFunction): void {
  next(new NotFound(`No route for ${req.method} ${req.path}`));
}

export function createErrorHandler(log: Logger) {
  // Express recognises an error handler by its four parameters, so `_next` must stay.
  return function errorHandler(error: unknown, req: Request, res: Response, _next: NextFunction): void {
    const problem = toProblem(error);
    if (problem.status >= 500) {
      const level = problem.status === 503 ? 'warn' : 'error';
      log[level](
        { err: error, requestId: req.id, method: req.method, path: req.path },
        problem.detail ?? problem.title,
      );
    }
    if (res.headersSent) {
      // Too late for a problem document: cut the response short so the client sees it failed.
      // (Express's own final handler would do the same, but print the stack to stderr first.)
      res.destroy();
      return;
    }
    sendProblem(req, res, problem);
  };
}
