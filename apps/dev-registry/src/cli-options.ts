import { parseArgs } from 'node:util';
import { z } from 'zod';

export class CliUsageError extends Error {
  readonly code = 'CLI_USAGE';
}

export const usage =
  'usage: dev-registry [--host H (default 127.0.0.1)] [--port N (default 8500; 0 = free port)]\n' +
  'environment: DEV_REGISTRY_HOST, DEV_REGISTRY_PORT, DEV_REGISTRY_ACL_TOKEN, LOG_LEVEL (flags win over the environment)';

const port = z
  .string()
  .regex(/^\d+$/, 'must be an integer from 0 to 65535')
  .transform(Number)
  .refine((n) => n <= 65535, 'must be an integer from 0 to 65535');
const host = z.string().trim().min(1, 'must not be empty');

const settingsSchema = z.object({
  host: host.default('127.0.0.1'),
  port: port.default(8500),
  aclToken: z.string().min(1, 'must not be empty (unset it to disable ACLs)').optional(),
  logLevel: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
});

export type CliOptions = z.infer<typeof settingsSchema>;

/** Reads flags and environment into startDevRegistry options; throws CliUsageError naming each bad one. */
export function parseCliOptions(argv: readonly string[], env: NodeJS.ProcessEnv): CliOptions {
  let values: { host?: string; port?: string };
  try {
    ({ values } = parseArgs({
      args: [...argv],
      strict: true,
      allowPositionals: false,
      options: { host: { type: 'string' }, port: { type: 'string' } },
    }));
  } catch (error) {
    throw new CliUsageError((error as Error).message);
  }
  const sources = {
    host: values.host !== undefined ? '--host' : 'DEV_REGISTRY_HOST',
    port: values.port !== undefined ? '--port' : 'DEV_REGISTRY_PORT',
    aclToken: 'DEV_REGISTRY_ACL_TOKEN',
    logLevel: 'LOG_LEVEL',
  };
  const result = settingsSchema.safeParse({
    host: values.host ?? env.DEV_REGISTRY_HOST,
    port: values.port ?? env.DEV_REGISTRY_PORT,
    aclToken: env.DEV_REGISTRY_ACL_TOKEN,
    logLevel: env.LOG_LEVEL,
  });
  if (!result.success) {
    // Name the flag or variable, never echo its value (the token is a secret).
    const problems = result.error.issues.map((i) => `${sources[i.path[0] as keyof typeof sources]} ${i.message}`);
    throw new CliUsageError(problems.join('; '));
  }
  return result.data;
}
