import { parseCommandLine, UsageError } from '@lab/common';
import { envDuration } from '@lab/config';

export const COMMANDS = ['seed', 'diff', 'get', 'set'] as const;
export type Command = (typeof COMMANDS)[number];

export const USAGE = `Usage: npm run config -- <command> [options] [key] [value]

Commands:
  seed            write config/<service>/<env>.yaml (over default.yaml) into the KV store
  diff            show what differs between the files and the KV store (exit 1 when something does)
  get [key]       print one key, or every key of --service
  set <key> <v>   write one key (JSON values are checked; flags/<name> must be a flag definition;
                  an object is refused where the settings are one key each: set those keys)

Options:
  -s, --service <name>   one folder of config/ (a service, or "shared"); default: all (seed, diff)
  -e, --env <name>       which <env>.yaml to read; default NODE_ENV, else development
  -b, --backend <name>   consul | etcd | zookeeper (eureka: the Consul KV at EUREKA_CONFIG_KV_URL);
                         default DISCOVERY_BACKEND, else consul
      --config-dir <dir> default CONFIG_DIR, else the repository's config/
      --prune            seed: also remove keys that are not in the files
      --wait <duration>  keep trying a store that cannot be reached yet for this long (30s, 2m);
                         default: give up at the first failure
  -h, --help

Keys are relative to config/<service>/ in the KV store: flags/bulk-discount or flags.bulk-discount.
Connection settings come from CONSUL_URL, CONSUL_TOKEN (else CONSUL_HTTP_TOKEN), ETCD_ENDPOINTS,
ZOOKEEPER_CONNECT and EUREKA_CONFIG_KV_URL; those not set are the running stack's (npm start writes them
to .dev-stack/state.json, or where DEV_STACK_STATE says).
Exit codes: 0 ok, 1 differences found (diff) or key not set (get), 2 usage or connection error.`;

export interface CliArgs {
  command: Command;
  service?: string;
  env?: string;
  backend?: string;
  configDir?: string;
  prune: boolean;
  /** How long to keep trying a KV store that cannot be reached yet; 0: not at all. */
  waitMs: number;
  key?: string;
  value?: string;
}

/** Parses argv; returns 'help' for --help, throws UsageError for anything it cannot use. */
export function parseCliArgs(argv: readonly string[]): CliArgs | 'help' {
  const { values, positionals } = parseCommandLine(argv, {
    allowPositionals: true,
    options: {
      service: { type: 'string', short: 's' },
      env: { type: 'string', short: 'e' },
      backend: { type: 'string', short: 'b' },
      'config-dir': { type: 'string' },
      prune: { type: 'boolean', default: false },
      wait: { type: 'string' },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  if (values.help) return 'help';
  const [command, ...rest] = positionals;
  if (!command) throw new UsageError('missing command (seed, diff, get or set)');
  if (!(COMMANDS as readonly string[]).includes(command))
    throw new UsageError(`unknown command "${command}" (expected seed, diff, get or set)`);
  const expected = { seed: 0, diff: 0, get: 1, set: 2 }[command as Command];
  const required = command === 'set' ? 2 : 0;
  if (rest.length > expected || rest.length < required) {
    throw new UsageError(
      `${command} takes ${command === 'set' ? 'a key and a value' : command === 'get' ? 'at most one key' : 'no arguments'}`,
    );
  }
  if (values.service !== undefined && !/^[A-Za-z0-9._-]+$/.test(values.service)) {
    throw new UsageError(`--service: "${values.service}" is not a folder name`);
  }
  if (values.env !== undefined && !/^[A-Za-z0-9._-]+$/.test(values.env))
    throw new UsageError(`--env: "${values.env}" is not an environment name`);
  if (values.prune && command !== 'seed') throw new UsageError('--prune only applies to seed');
  const wait = values.wait === undefined ? { success: true as const, data: 0 } : envDuration().safeParse(values.wait);
  if (!wait.success) throw new UsageError(`--wait: "${values.wait}" is not a duration such as 30s or 2m`);
  return {
    command: command as Command,
    service: values.service,
    env: values.env,
    backend: values.backend,
    configDir: values['config-dir'],
    prune: values.prune,
    waitMs: wait.data,
    key: rest[0],
    value: rest[1],
  };
}
