import type { Request } from 'express';
import type { z } from 'zod';
import { type FieldError, ValidationProblem } from './problem';

type Source = 'body' | 'query' | 'params' | 'headers';

function fieldName(source: Source, path: readonly PropertyKey[]): string {
  return path.length === 0 ? source : `${source}.${path.map(String).join('.')}`;
}

function fieldErrors(source: Source, issues: readonly z.core.$ZodIssue[]): FieldError[] {
  return issues.map((issue) => ({ field: fieldName(source, issue.path), message: issue.message }));
}

/**
 * The path of a string (value or object key) holding a NUL character, or undefined when none does.
 * Postgres cannot store U+0000 in text and C-based tools cut strings at it, so it never reaches
 * a handler. Walked with a stack, not recursion: the body parser's nesting is the only bound.
 */
export function findNulCharacter(value: unknown): (string | number)[] | undefined {
  // Each entry links to its parent, so a path is built only for the one string that is found.
  interface Visit {
    value: unknown;
    key?: string | number;
    parent?: Visit;
  }
  const pathOf = (visit: Visit | undefined, last?: string): (string | number)[] => {
    const path: (string | number)[] = last === undefined ? [] : [last];
    for (let at = visit; at?.key !== undefined; at = at.parent) path.push(at.key);
    return path.reverse();
  };
  const stack: Visit[] = [{ value }];
  while (stack.length > 0) {
    const visit = stack.pop()!;
    const current = visit.value;
    if (typeof current === 'string') {
      if (current.includes('\0')) return pathOf(visit);
    } else if (Array.isArray(current)) {
      current.forEach((item, index) => stack.push({ value: item, key: index, parent: visit }));
    } else if (typeof current === 'object' && current !== null) {
      for (const [key, item] of Object.entries(current)) {
        if (key.includes('\0')) return pathOf(visit, key);
        stack.push({ value: item, key, parent: visit });
      }
    }
  }
  return undefined;
}

function parse<S extends z.ZodType>(schema: S, source: Source, value: unknown): z.output<S> {
  const nulAt = findNulCharacter(value);
  if (nulAt !== undefined) {
    throw new ValidationProblem([{ field: fieldName(source, nulAt), message: 'must not contain a NUL character' }]);
  }
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
