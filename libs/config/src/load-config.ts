import type { z } from 'zod';
import { ConfigError } from './config-error';
import { readEnvironment, type ReadFile } from './env-source';
import { hasUrlCredentials, isSecretName } from './secrets';
import { schemaVariables, validateConfig } from './validate-config';

export interface LoadConfigOptions {
  /** Variables whose values must never be echoed, on top of those whose name looks secret. */
  secretKeys?: readonly string[];
  /** Reads NAME_FILE; replaceable for tests of unusual file systems. */
  readFile?: ReadFile;
}

/**
 * Reads and validates configuration from the environment. The schema's keys are variable
 * names; each may also be given as NAME_FILE (a path whose content is the value).
 * Throws ConfigError naming every offending variable at once.
 */
export function loadConfig<S extends z.ZodType>(
  schema: S,
  env: NodeJS.ProcessEnv = process.env,
  options: LoadConfigOptions = {},
): z.infer<S> {
  const reading = readEnvironment(schemaVariables(schema), env, options.readFile);
  const secretKeys = new Set(options.secretKeys);
  const isSecret = (name: string): boolean =>
    secretKeys.has(name) ||
    isSecretName(name) ||
    reading.fromFile.has(name) ||
    hasUrlCredentials(reading.values[name] ?? '');

  const validation = validateConfig(schema, reading.values, { isSecret });
  if (validation.ok && reading.issues.length === 0) return validation.value;

  // A variable whose file could not be read is already reported against NAME_FILE.
  const schemaIssues = validation.ok ? [] : validation.issues.filter((i) => !reading.unreadable.has(i.variable));
  throw new ConfigError([...reading.issues, ...schemaIssues]);
}
