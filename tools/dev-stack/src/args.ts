/** Command-line options of `npm start`, parsed without I/O so they can be tested alone. */
export interface StackOptions {
  backend: Backend;
  replicas: Record<string, number>;
  /** Services whose last instance runs as the canary track (SERVICE_VERSION=v2). */
  canary: ServiceName[];
  gatewayPort: number;
  registryPort: number;
  logs: 'files' | 'console';
}

import { BACKENDS, type Backend } from './registry-server';

export const SERVICES = ['auth-service', 'product-service', 'inventory-service', 'order-service'] as const;
export type ServiceName = (typeof SERVICES)[number];

export class UsageError extends Error {
  readonly code = 'USAGE';
}

export const usage = `Usage: npm start -- [options]

  --backend consul|etcd|zookeeper|eureka
                             the registry (default: DISCOVERY_BACKEND or consul). consul runs dev-registry,
                             eureka its Eureka API (1 s renewals, 3 s leases), etcd and zookeeper
                             their local binaries, unless CONSUL_URL, EUREKA_URL, ETCD_ENDPOINTS or
                             ZOOKEEPER_CONNECT name a server
  --replicas <service>=<n>   run n instances of a service (repeatable, or comma-separated)
  --canary <service>         run the last of its instances as version v2, the others as v1 (needs
                             --replicas <service>=2 or more); the gateway sends requests with the
                             header 'canary: true' to v2 and 10% of the rest (config/gateway)
  --gateway-port <port>      gateway port (default 8080; 0 picks a free port)
  --registry-port <port>     dev-registry port (default 8500; 0 picks a free port)
  --logs console|files       stream every process's JSON log here, or write them to .data/logs (default)
  --help                     show this text`;

export function parseArgs(argv: readonly string[], env: NodeJS.ProcessEnv = {}): StackOptions {
  const options: StackOptions = {
    backend: parseBackend('DISCOVERY_BACKEND', env.DISCOVERY_BACKEND ?? 'consul'),
    replicas: {},
    canary: [],
    gatewayPort: 8080,
    registryPort: 8500,
    logs: 'files',
  };
  for (let i = 0; i < argv.length; i++) {
    const [flag, inline] = splitFlag(argv[i]);
    const value = () => inline ?? argv[++i] ?? missing(flag);
    switch (flag) {
      case '--backend':
        options.backend = parseBackend(flag, value());
        break;
      case '--replicas':
        for (const pair of value().split(',')) Object.assign(options.replicas, parseReplicas(pair));
        break;
      case '--canary':
        for (const name of value().split(',')) options.canary.push(parseService(flag, name));
        break;
      case '--gateway-port':
        options.gatewayPort = parsePort(flag, value());
        break;
      case '--registry-port':
        options.registryPort = parsePort(flag, value());
        break;
      case '--logs': {
        const mode = value();
        if (mode !== 'console' && mode !== 'files')
          throw new UsageError(`--logs must be console or files, got "${mode}"`);
        options.logs = mode;
        break;
      }
      case '--help':
        throw new UsageError(usage);
      default:
        throw new UsageError(`unknown option "${argv[i]}"\n\n${usage}`);
    }
  }
  for (const service of options.canary) {
    if ((options.replicas[service] ?? 1) < 2)
      throw new UsageError(
        `--canary ${service} needs --replicas ${service}=2 or more: one instance runs v2, the others stay v1`,
      );
  }
  return options;
}

function parseBackend(source: string, raw: string): Backend {
  if (!BACKENDS.includes(raw as Backend))
    throw new UsageError(`${source} must be one of ${BACKENDS.join(', ')}, got "${raw}"`);
  return raw as Backend;
}

function splitFlag(arg: string): [string, string | undefined] {
  const eq = arg.indexOf('=');
  return arg.startsWith('--') && eq > 0 ? [arg.slice(0, eq), arg.slice(eq + 1)] : [arg, undefined];
}

function missing(flag: string): never {
  throw new UsageError(`${flag} needs a value`);
}

function parseService(flag: string, name: string): ServiceName {
  if (!SERVICES.includes(name as ServiceName))
    throw new UsageError(`${flag}: unknown service "${name}" (one of ${SERVICES.join(', ')})`);
  return name as ServiceName;
}

function parseReplicas(pair: string): Record<string, number> {
  const [name, count] = pair.split('=');
  parseService('--replicas', name);
  const n = Number(count);
  if (!Number.isInteger(n) || n < 1 || n > 9)
    throw new UsageError(`--replicas: ${name} needs a count from 1 to 9, got "${count}"`);
  return { [name]: n };
}

function parsePort(flag: string, raw: string): number {
  const port = Number(raw);
  if (!Number.isInteger(port) || port < 0 || port > 65535)
    throw new UsageError(`${flag} must be a port 0..65535, got "${raw}"`);
  return port;
}
