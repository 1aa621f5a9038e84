import { redactSecrets } from '@lab/config';
import type { z } from 'zod';
import { BASE_SECRET_KEYS } from './base-config';
import { KIT_ENV_MAPPING } from '../dynamic/kit-settings';
import { serviceConfigSchema, type ConfigurableService } from './load-service-config';

export interface ConfigVariable {
  name: string;
  /** Start-up fails without it: no default and not optional. */
  required: boolean;
  /** The value used when the variable is unset, written as the variable would be. */
  default?: string;
  /** Its value must never be shown: a credential by name, or one of the base secrets. */
  secret: boolean;
  /** The live setting it fixes (`logLevel`), above the config files and the KV store. */
  setting?: string;
}

/** What deployment manifests need to know about a service without starting it. */
export interface ServiceDescription {
  service: string;
  defaultPort: number;
  variables: ConfigVariable[];
  probes: { live: string; ready: string; startup: string };
}

export const PROBE_PATHS = { live: '/health/live', ready: '/health/ready', startup: '/health/startup' } as const;

/** A default as an environment variable would spell it: lists comma-separated, the rest as text. */
function asVariableText(value: unknown): string {
  if (Array.isArray(value)) return value.map(String).join(',');
  if (typeof value === 'object' && value !== null) return JSON.stringify(value);
  return String(value);
}

/** Uses @lab/config's own judgement of secret names, so the two never disagree. */
function isSecret(name: string, secretKeys: readonly string[]): boolean {
  return redactSecrets({ [name]: '' }, secretKeys)[name] !== '';
}

function describeVariable(name: string, schema: z.ZodType): ConfigVariable {
  // Parsing "unset" is the one answer that holds for every wrapper (default, optional, pipe,
  // prefault): it is what loadConfig does when the variable is missing.
  const unset = schema.safeParse(undefined);
  const secret = isSecret(name, BASE_SECRET_KEYS);
  const variable: ConfigVariable = { name, required: !unset.success, secret };
  // A secret's default (a development password) is not repeated, even though the source shows it.
  if (unset.success && unset.data !== undefined && !secret) variable.default = asVariableText(unset.data);
  return variable;
}

/**
 * The variables a service reads (base schema plus its own), which are required, their defaults and
 * which are secret. NODE_ENV in `env` matters: production requires DATABASE_URL of a service with a database.
 */
export function describeService(
  def: ConfigurableService & { dynamicConfig?: { envMapping?: Record<string, string>; secretPaths?: string[] } },
  env: Record<string, string | undefined>,
): ServiceDescription {
  const schema = serviceConfigSchema(def, env);
  const variables = Object.entries(schema.shape).map(([name, field]) => describeVariable(name, field as z.ZodType));
  // Variables that set a live setting: optional (the setting has its default in the schema or the
  // config files), secret when their name or their path says so.
  const known = new Map(variables.map((v) => [v.name, v]));
  const secretPaths = def.dynamicConfig?.secretPaths ?? [];
  for (const [name, path] of Object.entries({ ...KIT_ENV_MAPPING, ...def.dynamicConfig?.envMapping })) {
    const existing = known.get(name);
    if (existing) {
      existing.setting = path;
      continue;
    }
    const secretPath = secretPaths.some((s) => path === s || path.startsWith(`${s}.`));
    variables.push({ name, required: false, secret: secretPath || isSecret(name, BASE_SECRET_KEYS), setting: path });
  }
  return { service: def.name, defaultPort: def.defaultPort, variables, probes: { ...PROBE_PATHS } };
}
