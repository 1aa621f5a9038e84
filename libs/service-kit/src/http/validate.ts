import type { Request } from 'express';
import type { z } from 'zod';
import { type FieldError, ValidationProblem } from './problem';

type Source = 'body' | 'query' | 'params' | 'headers';

function fieldErrors(source: Source, issues: readonly z.core.$ZodIssue[]): FieldError[] {
  return issues.map((issue) => ({
    field: issue.path.length === 0 ? source : `${source}.${issue.path.map(String).join('.')}`,
    message: issue.message,
  }));
}

function parse<S extends z.ZodType>(schema: S, source: Source, value: unknown): z.output<S> {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  throw new ValidationProblem(fieldErrors(source, result.error.issues));
}

/**
 * The request body parsed by `schema`. A missing body or one sent without a JSON content type
 * is reported as a 400 on `body`, never a 500.
 */
export function parseBody<S extends z.ZodType>(schema: S, req: Request): z.output<S> {
  if (req.body === undefined) {
    const result = schema.safeParse(undefined);
    if (result.success) return result.data;
    throw new ValidationProblem([{ field: 'body', message: 'Expected a JSON body (Content-Type: application/json)' }]);
  }
  return parse(schema, 'body', req.body);
}

/** The query string parsed by `schema`; values arrive as strings, so use z.coerce for numbers. */
export function parseQuery<S extends z.ZodType>(schema: S, req: Request): z.output<S> {
  return parse(schema, 'query', req.query);
}

/** Route parameters parsed by `schema` (z.coerce.number() for numeric ids). */
export function parseParams<S extends z.ZodType>(schema: S, req: Request): z.output<S> {
  return parse(schema, 'params', req.params);
}

/** Request headers (lower-case names) parsed by `schema`. */
export function parseHeaders<S extends z.ZodType>(schema: S, req: Request): z.output<S> {
  return parse(schema, 'headers', req.headers);
}

/**
 * A zod `superRefine` check for arrays: no two items share the same `key`. The issue points at the
 * repeated item's field (`body.items.1.productId`), so the problem names it.
 *
 *     z.array(item).superRefine(uniqueBy('productId'))
 */
export function uniqueBy<T, K extends keyof T>(key: K) {
  return (
    items: readonly T[],
    ctx: { addIssue(issue: { code: 'custom'; path: (string | number)[]; message: string }): void },
  ) => {
    const seen = new Set<T[K]>();
    items.forEach((item, index) => {
      if (seen.has(item[key])) {
        ctx.addIssue({
          code: 'custom',
          path: [index, key as string],
          message: `duplicate ${String(key)} ${String(item[key])}`,
        });
      }
      seen.add(item[key]);
    });
  };
}
