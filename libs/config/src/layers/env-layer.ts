import { readEnvironment } from '../env-source';
import type { ConfigTree } from '../tree/config-tree';
import { isSafeSegment, setAtPath } from '../tree/config-tree';
import { parseValue } from '../tree/parse-value';
import type { ConfigPathIssue } from './config-path-issue';

export interface EnvLayer {
  tree: ConfigTree;
  /** Paths whose value came from a NAME_FILE: always treated as secret. */
  fromFile: string[];
  /** Each path a variable set, with the variable: the settings the environment fixes for the process. */
  pinned: Record<string, string>;
  issues: ConfigPathIssue[];
}

/**
 * Environment variables mapped onto config paths (`{ LOG_LEVEL: 'logLevel' }`), each parsed like a
 * KV value (JSON, else text). Like loadConfig, an empty variable is unset and NAME_FILE is read when
 * NAME is unset, which is how Docker and Kubernetes hand over secrets.
 */
export function readEnvLayer(mapping: Readonly<Record<string, string>>, env: NodeJS.ProcessEnv): EnvLayer {
  const tree: ConfigTree = {};
  const fromFile: string[] = [];
  const pinned: Record<string, string> = {};
  const issues: ConfigPathIssue[] = [];
  const reading = readEnvironment(Object.keys(mapping), env);
  for (const issue of reading.issues) issues.push({ path: issue.variable, message: issue.message });
  for (const [variable, dotted] of Object.entries(mapping)) {
    const segments = dotted.split('.');
    if (!segments.every(isSafeSegment)) {
      issues.push({ path: variable, message: `maps to an invalid path "${dotted}"` });
      continue;
    }
    const text = reading.values[variable];
    if (text === undefined) continue;
    setAtPath(tree, segments, parseValue(text));
    pinned[dotted] = variable;
    if (reading.fromFile.has(variable)) fromFile.push(dotted);
  }
  return { tree, fromFile, pinned, issues };
}
