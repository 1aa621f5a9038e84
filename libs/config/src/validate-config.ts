import { z } from 'zod';
import type { ConfigIssue } from './config-error';

export type ConfigValidation<T> = { ok: true; value: T } | { ok: false; issues: ConfigIssue[] };

export interface ValidationContext {
  /** True when a variable's value must never appear in a message. */
  isSecret(name: string): boolean;
}

const MAX_ECHOED_LENGTH = 60;

/**
 * Validates raw string values against the schema without touching the environment, so that a
 * later source (a KV store, a reload) can validate a candidate before it is applied.
 */
export function validateConfig<S extends z.ZodType>(
  schema: S,
  values: Readonly<Record<string, string | undefined>>,
  context: ValidationContext,
): ConfigValidation<z.infer<S>> {
  const result = schema.safeParse(values);
  if (result.success) return { ok: true, value: result.data };

  const issues: ConfigIssue[] = [];
  const reported = new Set<string>();
  for (const issue of result.error.issues) {
    const variable = issue.path.length > 0 ? String(issue.path[0]) : '(config)';
    // One line per variable: the first problem is the one to fix.
    if (reported.has(variable)) continue;
    reported.add(variable);
    issues.push({ variable, message: describe(issue.message, values[variable], context.isSecret(variable)) });
  }
  return { ok: false, issues };
}

function describe(message: string, value: string | undefined, secret: boolean): string {
  if (value === undefined) return 'required but not set';
  if (secret) return message;
  const shown = value.length > MAX_ECHOED_LENGTH ? `${value.slice(0, MAX_ECHOED_LENGTH)}…` : value;
  return `${message}, got ${JSON.stringify(shown)}`;
}

/** The environment variable names a schema asks for: the keys of its root object. */
export function schemaVariables(schema: z.ZodType): string[] {
  if (schema instanceof z.ZodObject) return Object.keys(schema.shape);
  if (schema instanceof z.ZodPipe) return schemaVariables(schema.in as z.ZodType);
  throw new TypeError('loadConfig needs a z.object() whose keys are environment variable names');
}
