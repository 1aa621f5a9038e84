import express, { type NextFunction, type Request, type RequestHandler, type Response } from 'express';
import { BadRequest, type HttpProblem, PayloadTooLarge, UnsupportedMediaType } from './problem';

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

const ENCODING_FIELD = 'headers.content-encoding';

/**
 * The problem for a failure of the body parser. Every one of them is the caller's doing: a body
 * over the limit, malformed JSON, an encoding or charset the parser does not know, or a gzip,
 * deflate or br stream that does not decompress (zlib's errors carry no `type`, only a 4xx status).
 */
export function bodyReadProblem(error: unknown, req: Pick<Request, 'headers'>): HttpProblem {
  const type = (error as { type?: unknown } | null)?.type;
  const encoding = req.headers['content-encoding'];
  if (type === 'entity.too.large') return new PayloadTooLarge('The request body is too large');
  if (type === 'entity.parse.failed') {
    return new BadRequest('Malformed JSON body', { errors: [{ field: 'body', message: jsonSyntaxMessage(error) }] });
  }
  if (type === 'encoding.unsupported') {
    return new UnsupportedMediaType(`Content-Encoding "${encoding}" is not supported; use gzip, deflate, br or none`, {
      errors: [{ field: ENCODING_FIELD, message: 'is not supported' }],
    });
  }
  if (type === 'charset.unsupported') {
    return new UnsupportedMediaType('The body must be UTF-8 encoded', {
      errors: [{ field: 'headers.content-type', message: 'charset is not supported' }],
    });
  }
  if (type === undefined && encoding !== undefined && encoding !== 'identity') {
    return new BadRequest(`The request body is not valid ${encoding} data`, {
      errors: [{ field: ENCODING_FIELD, message: `the body does not decode as ${encoding}` }],
    });
  }
  return new BadRequest('The request body could not be read');
}

/** A body-parser middleware whose failures reach the error handler as problems. */
function withProblems(parse: RequestHandler): RequestHandler {
  return (req: Request, res: Response, next: NextFunction) => {
    parse(req, res, (error?: unknown) => next(error === undefined ? undefined : bodyReadProblem(error, req)));
  };
}

/** express.json for JSON bodies (and gzip, deflate or br encoded ones), its failures as problems. */
export function jsonBodyParser(limit: string): RequestHandler {
  return withProblems(express.json({ limit, type: ['application/json', 'application/*+json'] }));
}

/**
 * For the one kind of route that takes an HTML form body (application/x-www-form-urlencoded), such
 * as an OAuth2 token endpoint: flat string fields, its failures as problems like JSON's.
 */
export function formBodyParser(limit: string): RequestHandler {
  return withProblems(express.urlencoded({ limit, extended: false, parameterLimit: 20 }));
}
