import { z } from 'zod';
import { envEnum } from './env-enum';
import { envList } from './env-list';
import { envPem } from './env-pem';
import { envUrl } from './env-url';

/** ZooKeeper's connect string: host:port pairs, optionally followed by a chroot path. */
const ZOOKEEPER_CONNECT = /^[A-Za-z0-9._-]+:\d{1,5}(?:,[A-Za-z0-9._-]+:\d{1,5})*(?:\/[A-Za-z0-9._/-]*)?$/;

/**
 * The variables that say which registry a process uses and how it reaches the registry and its KV
 * store. The services read them (with Eureka's timings and the dns backend's settings beside them),
 * and so does the config tooling, so both reach the same store with the same credentials and refuse
 * the same mistakes. `backends` is @lab/discovery's list of registry kinds, the first the default:
 * it is passed in because the libs do not import each other.
 */
export function registryEnvShape<const B extends readonly [string, ...string[]]>(backends: B) {
  return {
    DISCOVERY_BACKEND: envEnum(backends, backends[0]),
    CONSUL_URL: envUrl({ protocols: ['http:', 'https:'], default: 'http://127.0.0.1:8500' }),
    CONSUL_TOKEN: z.string().optional(),
    // Usually read from CONSUL_CA_FILE, CONSUL_CERT_FILE and CONSUL_KEY_FILE (the NAME_FILE convention).
    CONSUL_CA: envPem().optional(),
    CONSUL_CERT: envPem().optional(),
    CONSUL_KEY: envPem().optional(),
    ETCD_ENDPOINTS: envList(z.url({ protocol: /^https?$/ }), 'http(s) URLs').default(['http://127.0.0.1:2379']),
    ETCD_USERNAME: z.string().optional(),
    ETCD_PASSWORD: z.string().optional(),
    ZOOKEEPER_CONNECT: z
      .string()
      .regex(ZOOKEEPER_CONNECT, 'expected host:port[,host:port...][/chroot]')
      .default('127.0.0.1:2181'),
    /** Eureka keeps no keys: a Consul agent whose KV serves eureka-backed services' live configuration. */
    EUREKA_CONFIG_KV_URL: envUrl({ protocols: ['http:', 'https:'] }).optional(),
  };
}

/** The registry variables whose values are never logged or echoed back. */
export const REGISTRY_SECRET_KEYS = ['CONSUL_TOKEN', 'CONSUL_KEY', 'ETCD_PASSWORD'] as const;

interface RegistryEnv {
  CONSUL_URL: string;
  CONSUL_TOKEN?: string;
  CONSUL_CA?: string;
  CONSUL_CERT?: string;
  CONSUL_KEY?: string;
  ETCD_ENDPOINTS: string[];
  ETCD_USERNAME?: string;
  ETCD_PASSWORD?: string;
  ZOOKEEPER_CONNECT: string;
}

/** For superRefine: a client certificate without its key (or the reverse) cannot be used, so say so at once. */
export function checkRegistryEnv(config: Pick<RegistryEnv, 'CONSUL_CERT' | 'CONSUL_KEY'>, ctx: z.RefinementCtx): void {
  if ((config.CONSUL_CERT === undefined) !== (config.CONSUL_KEY === undefined)) {
    const missing = config.CONSUL_CERT === undefined ? 'CONSUL_CERT' : 'CONSUL_KEY';
    ctx.addIssue({ code: 'custom', path: [missing], message: 'CONSUL_CERT and CONSUL_KEY go together' });
  }
}

/** The connection options of @lab/discovery's createRegistry that these variables give. */
export function registryConnection(config: RegistryEnv) {
  const { CONSUL_CA: ca, CONSUL_CERT: cert, CONSUL_KEY: key } = config;
  return {
    consulUrl: config.CONSUL_URL,
    consulToken: config.CONSUL_TOKEN,
    consulTls: ca !== undefined || cert !== undefined ? { ca, cert, key } : undefined,
    etcdEndpoints: config.ETCD_ENDPOINTS,
    etcdUsername: config.ETCD_USERNAME,
    etcdPassword: config.ETCD_PASSWORD,
    zookeeperConnect: config.ZOOKEEPER_CONNECT,
  };
}
