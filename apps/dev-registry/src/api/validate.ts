import type { z } from 'zod';
import { badRequest } from './http-error';

/** Parses with a zod schema, or throws a 400 whose text names each failing field. */
export function validate<S extends z.ZodType>(schema: S, value: unknown, where = ''): z.output<S> {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const lines = result.error.issues.map((issue) => {
    const path = [where, ...issue.path.map(String)].filter(Boolean).join('.');
    return path ? `${path}: ${issue.message}` : issue.message;
  });
  throw badRequest(lines.join('\n'));
}
