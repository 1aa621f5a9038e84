import { readFileSync } from 'node:fs';
import { parseYamlDocuments, YamlSyntaxError } from '../yaml-documents';
import { interpolateCompose } from './interpolate';

export interface ComposeService {
  image?: string;
  build?: { context?: string; dockerfile?: string; target?: string; args?: Record<string, string> };
  command?: string | string[];
  environment?: Record<string, string | number | boolean | null>;
  secrets?: (string | { source: string; target?: string })[];
  ports?: (string | number | { target: number; published?: string | number })[];
  depends_on?: Record<string, { condition: string }> | string[];
  profiles?: string[];
  healthcheck?: { test?: string | string[]; disable?: boolean };
  volumes?: (string | { source?: string; target: string })[];
  [key: string]: unknown;
}

export interface ComposeFile {
  services: Record<string, ComposeService>;
  secrets?: Record<string, { file?: string; external?: boolean }>;
  volumes?: Record<string, unknown>;
  [key: string]: unknown;
}

/**
 * docker-compose.yml as compose itself reads it: YAML anchors and `<<` merges resolved, variables
 * interpolated from `env` (the shell environment and .env, which compose reads by itself).
 */
export function loadComposeFile(file: string, env: Readonly<Record<string, string | undefined>> = {}): ComposeFile {
  const documents = parseYamlDocuments(readFileSync(file, 'utf8'), file);
  if (documents.length !== 1) throw new YamlSyntaxError(`${file}: expected one YAML document`);
  return interpolateCompose(documents[0] as ComposeFile, env);
}

/** A service's environment as name -> text (compose accepts a list of NAME=value too). */
export function serviceEnvironment(service: ComposeService): Record<string, string> {
  const environment = service.environment ?? {};
  if (Array.isArray(environment)) {
    return Object.fromEntries(
      (environment as string[]).map((entry) => {
        const at = entry.indexOf('=');
        return at < 0 ? [entry, ''] : [entry.slice(0, at), entry.slice(at + 1)];
      }),
    );
  }
  return Object.fromEntries(
    Object.entries(environment).map(([name, value]) => [name, value === null ? '' : String(value)]),
  );
}
