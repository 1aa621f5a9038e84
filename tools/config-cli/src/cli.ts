import { UsageError } from '@lab/common';
import { ConfigError, defaultConfigDir, loadConfig, registryConnection, REGISTRY_SECRET_KEYS } from '@lab/config';
import { createRegistry, RegistryUnavailableError, type ServiceRegistry } from '@lab/discovery';
import { toolEnvironment } from '@lab/stack-state';
import { setTimeout as delay } from 'node:timers/promises';
import { parseCliArgs, USAGE, type CliArgs } from './args';
import { CommandContext } from './command-context';
import { diff } from './commands/diff';
import { get } from './commands/get';
import { seed } from './commands/seed';
import { set } from './commands/set';
import { cliEnvironment, type CliEnvironment } from './settings';

export interface CliIo {
  env: NodeJS.ProcessEnv;
  stdout: { write(text: string): unknown };
  stderr: { write(text: string): unknown };
}

const commands = { seed, diff, get, set } as const;
const KV_BACKENDS = ['consul', 'etcd', 'zookeeper'] as const;

/** Runs one command; resolves to the exit code (0 ok, 1 differences / not set, 2 usage or connection). */
export async function runCli(argv: readonly string[], io: CliIo): Promise<number> {
  let args: CliArgs | 'help';
  let settings: CliEnvironment;
  try {
    args = parseCliArgs(argv);
    if (args === 'help') {
      io.stdout.write(`${USAGE}\n`);
      return 0;
    }
    // The running stack of `npm start` says where its registry is, unless the environment says otherwise;
    // Consul's own variable, CONSUL_HTTP_TOKEN, stands in for the services' CONSUL_TOKEN.
    const env = toolEnvironment(io.env).env;
    const ownToken = env.CONSUL_TOKEN !== undefined || env.CONSUL_TOKEN_FILE !== undefined;
    settings = loadConfig(cliEnvironment, ownToken ? env : { ...env, CONSUL_TOKEN: env.CONSUL_HTTP_TOKEN }, {
      secretKeys: REGISTRY_SECRET_KEYS,
    });
  } catch (error) {
    return usageFailure(error, io);
  }

  let backend = args.backend ?? settings.DISCOVERY_BACKEND;
  // Eureka keeps no keys: its services read the Consul KV that EUREKA_CONFIG_KV_URL names.
  if (backend === 'eureka' && settings.EUREKA_CONFIG_KV_URL !== undefined) {
    backend = 'consul';
    settings = { ...settings, CONSUL_URL: settings.EUREKA_CONFIG_KV_URL };
  }
  if (!(KV_BACKENDS as readonly string[]).includes(backend)) {
    io.stderr.write(`config: the ${backend} backend has no KV store; use --backend consul, etcd or zookeeper\n`);
    return 2;
  }
  const ctx = new CommandContext(
    args,
    args.configDir ?? settings.CONFIG_DIR ?? defaultConfigDir(),
    args.env ?? settings.NODE_ENV ?? 'development',
    io.stdout,
    io.stderr,
  );
  // The registry's own client, with the settings the services use (ACL token, TLS, credentials).
  const openRegistry = (): ServiceRegistry =>
    createRegistry({
      backend: backend as (typeof KV_BACKENDS)[number],
      ...registryConnection(settings),
    });
  const store = `the ${backend} KV store at ${where(backend, settings)}`;
  // A store started beside this command (compose's config-seed) may not answer yet: with --wait the
  // whole command is tried again, on a fresh client, until the time is up. Every command may be
  // repeated: seed and set write the same values again, diff and get only read.
  const deadline = Date.now() + args.waitMs;
  for (let attempt = 1; ; attempt++) {
    const registry = openRegistry();
    try {
      if (registry.kv === undefined) throw new Error(`the ${backend} registry has no KV store`);
      return await commands[args.command](registry.kv, ctx);
    } catch (error) {
      if (!(error instanceof RegistryUnavailableError)) return usageFailure(error, io);
      const left = deadline - Date.now();
      if (left <= 0) {
        const gaveUp = args.waitMs > 0 ? ` (still failing after --wait ${seconds(args.waitMs)})` : '';
        io.stderr.write(`config: cannot use ${store}: ${error.message}${gaveUp}\n`);
        return 2;
      }
      const pause = Math.min(retryPause(attempt), left);
      io.stderr.write(
        `config: ${store} is not reachable yet (${error.message}); trying again in ${seconds(pause)}, for ${seconds(left)} more\n`,
      );
      await delay(pause);
    } finally {
      await closeQuietly(registry);
    }
  }
}

/** 0.5 s, 1 s, 2 s, then every 4 s: quick while a store is starting, without a line a second. */
function retryPause(attempt: number): number {
  return Math.min(4_000, 500 * 2 ** (attempt - 1));
}

function seconds(ms: number): string {
  return `${Math.round(ms / 100) / 10} s`;
}

function usageFailure(error: unknown, io: CliIo): number {
  if (error instanceof UsageError || error instanceof ConfigError) {
    io.stderr.write(`config: ${error.message}\n${error instanceof UsageError ? 'Run with --help for usage.\n' : ''}`);
    return 2;
  }
  throw error;
}

function where(backend: string, settings: CliEnvironment): string {
  if (backend === 'consul') return settings.CONSUL_URL;
  if (backend === 'etcd') return settings.ETCD_ENDPOINTS.join(',');
  return settings.ZOOKEEPER_CONNECT;
}

async function closeQuietly(registry: ServiceRegistry): Promise<void> {
  await registry.close().catch(() => undefined);
}
