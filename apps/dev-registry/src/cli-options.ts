import { z } from 'zod';
import { DurationError, parseCommandLine, parseDuration, UsageError } from '@lab/common';

export const usage =
  'usage: dev-registry [--host H (default 127.0.0.1)] [--port N (default 8500; 0 = free port)]\n' +
  '                    [--dns-port N (default 8600, free when --port is 0)] [--dns-ttl DURATION (default 0s)] [--dns-only-passing]\n' +
  '                    [--acl on|off (default on)] [--acl-file FILE (policies and tokens, JSON)]\n' +
  'environment: DEV_REGISTRY_HOST, DEV_REGISTRY_PORT, DEV_REGISTRY_DNS_PORT, DEV_REGISTRY_DNS_TTL,\n' +
  '             DEV_REGISTRY_DNS_ONLY_PASSING, DEV_REGISTRY_EUREKA_SELF_PRESERVATION, DEV_REGISTRY_EUREKA_EVICTION_INTERVAL,\n' +
  '             DEV_REGISTRY_ACL, DEV_REGISTRY_ACL_FILE, DEV_REGISTRY_ACL_TOKEN (the management token; generated\n' +
  '             and printed when ACLs are on and it is unset), LOG_LEVEL (flags win over the environment)';

const port = z
  .string()
  .regex(/^\d+$/, 'must be an integer from 0 to 65535')
  .transform(Number)
  .refine((n) => n <= 65535, 'must be an integer from 0 to 65535');
const host = z.string().trim().min(1, 'must not be empty');
/** A Go duration ("0s", "5s", "1m") as Consul writes its TTLs, in whole seconds. */
const ttlSeconds = z.string().transform((text, ctx) => {
  try {
    const ms = parseDuration(text);
    if (ms >= 0 && ms % 1000 === 0) return ms / 1000;
  } catch (error) {
    if (!(error instanceof DurationError)) throw error;
  }
  ctx.addIssue({ code: 'custom', message: 'must be a duration in whole seconds, like 0s, 5s or 1m' });
  return z.NEVER;
});
/** A Go duration above zero, in milliseconds. */
const positiveDuration = z.string().transform((text, ctx) => {
  try {
    const ms = parseDuration(text);
    if (ms > 0) return ms;
  } catch (error) {
    if (!(error instanceof DurationError)) throw error;
  }
  ctx.addIssue({ code: 'custom', message: 'must be a duration above 0, like 500ms, 5s or 1m' });
  return z.NEVER;
});
const flag = z.enum(['true', 'false', '1', '0']).transform((v) => v === 'true' || v === '1');

const settingsSchema = z.object({
  host: host.default('127.0.0.1'),
  port: port.default(8500),
  // Unset: startDevRegistry's default (8600 beside HTTP 8500, a free port beside any other).
  dnsPort: port.optional(),
  dnsTtlSeconds: ttlSeconds.default(0),
  dnsOnlyPassing: flag.default(false),
  eurekaSelfPreservation: flag.optional(),
  eurekaEvictionIntervalMs: positiveDuration.optional(),
  acl: z.enum(['on', 'off'], { error: 'must be on or off' }).default('on'),
  aclFile: z.string().trim().min(1, 'must not be empty').optional(),
  aclToken: z.string().min(1, 'must not be empty (unset it to have one generated)').optional(),
  logLevel: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
});

export type CliOptions = z.infer<typeof settingsSchema>;

/** Each setting's flag (if any) and variable; the flag wins. */
const SOURCES = {
  host: { flag: 'host', variable: 'DEV_REGISTRY_HOST' },
  port: { flag: 'port', variable: 'DEV_REGISTRY_PORT' },
  dnsPort: { flag: 'dns-port', variable: 'DEV_REGISTRY_DNS_PORT' },
  dnsTtlSeconds: { flag: 'dns-ttl', variable: 'DEV_REGISTRY_DNS_TTL' },
  dnsOnlyPassing: { flag: 'dns-only-passing', variable: 'DEV_REGISTRY_DNS_ONLY_PASSING', boolean: true },
  eurekaSelfPreservation: { variable: 'DEV_REGISTRY_EUREKA_SELF_PRESERVATION' },
  eurekaEvictionIntervalMs: { variable: 'DEV_REGISTRY_EUREKA_EVICTION_INTERVAL' },
  acl: { flag: 'acl', variable: 'DEV_REGISTRY_ACL' },
  aclFile: { flag: 'acl-file', variable: 'DEV_REGISTRY_ACL_FILE' },
  aclToken: { variable: 'DEV_REGISTRY_ACL_TOKEN' },
  logLevel: { variable: 'LOG_LEVEL' },
} satisfies Record<keyof CliOptions, { flag?: string; variable: string; boolean?: boolean }>;

type Setting = keyof typeof SOURCES;
const settings = Object.keys(SOURCES) as Setting[];
const flagOf = (setting: Setting): string | undefined => (SOURCES[setting] as { flag?: string }).flag;

/** Reads flags and environment into startDevRegistry options; throws UsageError naming each bad one. */
export function parseCliOptions(argv: readonly string[], env: NodeJS.ProcessEnv): CliOptions {
  const { values }: { values: Record<string, string | boolean | undefined> } = parseCommandLine(argv, {
    allowPositionals: false,
    options: Object.fromEntries(
      settings
        .filter((s) => flagOf(s) !== undefined)
        .map((s) => [flagOf(s)!, { type: 'boolean' in SOURCES[s] ? ('boolean' as const) : ('string' as const) }]),
    ),
  });
  const fromFlag = (s: Setting): string | undefined => {
    const name = flagOf(s);
    const value = name === undefined ? undefined : values[name];
    return value === undefined ? undefined : String(value);
  };
  const raw = Object.fromEntries(settings.map((s) => [s, fromFlag(s) ?? env[SOURCES[s].variable]]));
  const result = settingsSchema.safeParse(raw);
  if (!result.success) {
    // Name the flag or variable, never echo its value (the token is a secret).
    const problems = result.error.issues.map((issue) => {
      const setting = issue.path[0] as Setting;
      const name = fromFlag(setting) !== undefined ? `--${flagOf(setting)}` : SOURCES[setting].variable;
      return `${name} ${issue.message}`;
    });
    throw new UsageError(problems.join('; '));
  }
  return result.data;
}
