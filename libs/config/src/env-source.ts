import { readFileSync } from 'node:fs';
import type { ConfigIssue } from './config-error';

/** What the environment says about each wanted variable, before any validation. */
export interface EnvReading {
  /** One entry per wanted name; `undefined` when unset (empty strings count as unset). */
  readonly values: Record<string, string | undefined>;
  /** Names whose value came from NAME_FILE: always treated as secret. */
  readonly fromFile: ReadonlySet<string>;
  /** Names whose NAME_FILE could not be read; the issue is reported against NAME_FILE. */
  readonly unreadable: ReadonlySet<string>;
  readonly issues: ConfigIssue[];
}

export type ReadFile = (path: string) => string;

const readUtf8: ReadFile = (path) => readFileSync(path, 'utf8');

/**
 * Reads each name from `env`, falling back to the file named by NAME_FILE: the convention Docker
 * and Kubernetes use to hand secrets to a process without putting them in its environment.
 */
export function readEnvironment(
  names: readonly string[],
  env: NodeJS.ProcessEnv,
  readFile: ReadFile = readUtf8,
): EnvReading {
  const values: Record<string, string | undefined> = {};
  const fromFile = new Set<string>();
  const unreadable = new Set<string>();
  const issues: ConfigIssue[] = [];

  for (const name of names) {
    const direct = nonEmpty(env[name]);
    const filePath = nonEmpty(env[`${name}_FILE`]);
    if (direct !== undefined || filePath === undefined) {
      values[name] = direct;
      continue;
    }
    try {
      values[name] = nonEmpty(withoutTrailingNewline(readFile(filePath)));
      fromFile.add(name);
    } catch (error) {
      values[name] = undefined;
      unreadable.add(name);
      issues.push({ variable: `${name}_FILE`, message: `cannot read file "${filePath}" (${errorCode(error)})` });
    }
  }
  return { values, fromFile, unreadable, issues };
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value === '' ? undefined : value;
}

/** Editors and `echo` add one newline to secret files; it is never part of the secret. */
function withoutTrailingNewline(text: string): string {
  if (text.endsWith('\r\n')) return text.slice(0, -2);
  if (text.endsWith('\n')) return text.slice(0, -1);
  return text;
}

function errorCode(error: unknown): string {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : 'unreadable';
}
