import { randomBytes } from 'node:crypto';
import { isIP } from 'node:net';
import { isHostAddress } from '@lab/common';
import {
  envBool,
  envDuration,
  envEnum,
  envInt,
  envList,
  envPort,
  envUrl,
  REGISTRY_SECRET_KEYS,
  registryEnvShape,
} from '@lab/config';
import { BALANCER_KINDS, isDnsNameTemplate, registryBackends } from '@lab/discovery';
import { z } from 'zod';
import { parseTrustedKeys, UntrustedKeyError } from '../auth/trusted-keys';

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

/** Sizes the body parser understands: "100kb", "1mb", "512" (bytes). */
const BODY_LIMIT = /^\d+(?:\.\d+)?\s*(?:b|kb|mb|gb)?$/i;

/** A host name or IP address, without scheme or port. */
const hostSchema = z.string().refine(isHostAddress, 'expected a host name or IP address (no user@, port or path)');

/** Verification keys: a JWKS document or PEM public keys, every one a public P-256 key. */
const trustedKeysSchema = z.string().transform((text, ctx) => {
  try {
    return parseTrustedKeys(text);
  } catch (error) {
    if (!(error instanceof UntrustedKeyError)) throw error;
    ctx.addIssue({ code: 'custom', message: error.message });
    return z.NEVER;
  }
});

/** Names Express (proxy-addr) knows for address ranges, besides addresses and CIDR ranges. */
const PROXY_RANGE_NAMES = new Set(['loopback', 'linklocal', 'uniquelocal']);

/** An IP address, an address/prefix CIDR range, or loopback, linklocal or uniquelocal. */
const proxyAddress = z.string().refine((text) => {
  if (PROXY_RANGE_NAMES.has(text)) return true;
  const [address, prefix, extra] = text.split('/');
  const family = isIP(address);
  if (family === 0 || extra !== undefined) return false;
  if (prefix === undefined) return true;
  return /^\d{1,3}$/.test(prefix) && Number(prefix) <= (family === 4 ? 32 : 128);
}, 'expected IP addresses, CIDR ranges (10.0.0.0/8) or loopback, linklocal, uniquelocal');

/** A DNS label, as a Kubernetes namespace or cluster domain part is. */
const dnsName = z.string().regex(/^[a-z0-9]([a-z0-9.-]{0,251}[a-z0-9])?$/, 'expected a lower-case DNS name');

/** A DNS server as node:dns takes it: an IP address, `ip:port` or `[ipv6]:port`. */
const dnsServer = z.string().refine((text) => {
  if (isIP(text) !== 0) return true;
  const match = /^(?:\[([^\]]+)\]|([^:]+)):(\d{1,5})$/.exec(text);
  if (match === null) return false;
  const port = Number(match[3]);
  return isIP(match[1] ?? match[2] ?? '') !== 0 && port >= 1 && port <= 65535;
}, 'expected DNS servers as ip, ip:port or [ipv6]:port');

/**
 * The environment every service reads, on top of its own variables. Durations are parsed to
 * milliseconds; INSTANCE_ID is filled in after parsing when it is not set.
 */
export function baseConfigShape(defaultPort: number) {
  return {
    PORT: envPort(defaultPort),
    HOST: hostSchema.default('127.0.0.1'),
    SERVICE_ADDRESS: hostSchema.default('127.0.0.1'),
    INSTANCE_ID: z
      .string()
      .regex(/^[A-Za-z0-9._-]{1,128}$/, 'expected letters, digits, ".", "_" or "-" (at most 128)')
      .optional(),
    // A tag and a DNS label (`v2.product-service.service.consul`): no dots or spaces.
    SERVICE_VERSION: z
      .string()
      .regex(/^[A-Za-z0-9](?:[A-Za-z0-9_-]{0,61}[A-Za-z0-9])?$/, 'expected letters, digits, "_" or "-" (a DNS label)')
      .optional(),
    LOG_LEVEL: envEnum(LOG_LEVELS, 'info'),
    NODE_ENV: z.string().default('development'),
    ...registryEnvShape(registryBackends),
    /** Eureka's service URL (Spring's defaultZone); user info in it is sent as HTTP Basic. */
    EUREKA_URL: envUrl({ protocols: ['http:', 'https:'], default: 'http://127.0.0.1:8761/eureka' }),
    /** Sent as the password of HTTP Basic when EUREKA_URL carries no user info (the dev registry's ACL token). */
    EUREKA_TOKEN: z.string().optional(),
    /** Eureka's defaults are 30 s renewals and a 90 s lease; npm start shortens both. */
    EUREKA_RENEWAL_INTERVAL: envDuration('30s').pipe(z.number().min(1000, 'expected at least 1s')),
    EUREKA_LEASE_DURATION: envDuration('90s').pipe(z.number().min(2000, 'expected at least 2s')),
    /** How often watches poll the registry's delta (Eureka: 30 s). */
    EUREKA_FETCH_INTERVAL: envDuration('30s').pipe(z.number().min(100, 'expected at least 100ms')),
    /** Where the dns backend asks for SRV records, e.g. `{service}.service.consul`; unset: Kubernetes names. */
    DNS_NAME_TEMPLATE: z
      .string()
      .refine(isDnsNameTemplate, 'expected a lower-case DNS name holding {service} once, e.g. {service}.service.consul')
      .optional(),
    DNS_NAMESPACE: dnsName.default('default'),
    DNS_CLUSTER_DOMAIN: dnsName.default('cluster.local'),
    /** The port every Kubernetes Service listens on; unset: the port from SRV records. */
    DNS_SERVICE_PORT: envInt({ min: 1, max: 65535 }).optional(),
    DNS_SERVERS: envList(dnsServer, 'DNS servers (ip or ip:port)').optional(),
    LB_STRATEGY: envEnum(BALANCER_KINDS, 'round-robin'),
    ZONE: z
      .string()
      .regex(/^[A-Za-z0-9._-]{1,64}$/, 'expected a zone name such as eu-west-1a')
      .optional(),
    /** Guards /admin/*; unset: those routes answer 404. */
    ADMIN_TOKEN: z.string().min(16, 'expected at least 16 characters').optional(),
    CONFIG_DIR: z.string().min(1).optional(),
    /** Re-read the config files when they change (a Kubernetes ConfigMap); unset: on with the dns backend. */
    CONFIG_WATCH_FILES: envBool().optional(),
    /** Inside a service mesh (Istio) the sidecar retries; retrying here as well multiplies the load. */
    MESH_MODE: envBool(false),
    CHECK_INTERVAL: envDuration('10s').pipe(z.number().min(1000, 'expected at least 1s')),
    DEREGISTER_CRITICAL_AFTER: envDuration('1m').pipe(z.number().min(1000, 'expected at least 1s')),
    DATABASE_URL: envUrl({ protocols: ['postgres:', 'postgresql:'] }).optional(),
    /** How long start-up keeps trying the first database connection; inside the startup probe's budget. */
    DATABASE_STARTUP_TIMEOUT: envDuration('2m'),
    DATABASE_POOL_MAX: envInt({ min: 1, max: 1000, default: 10 }),
    DATABASE_STATEMENT_TIMEOUT_MS: envInt({ min: 0, max: 3_600_000, default: 15_000 }),
    BODY_LIMIT: z.string().regex(BODY_LIMIT, 'expected a size such as 100kb or 1mb').default('100kb'),
    SHUTDOWN_TIMEOUT_MS: envInt({ min: 0, max: 600_000, default: 10_000 }),
    SHUTDOWN_DRAIN_DELAY_MS: envInt({ min: 0, max: 600_000, default: 0 }),
    OUTBOUND_TIMEOUT_MS: envInt({ min: 1, max: 600_000, default: 2000 }),
    // OpenTelemetry's own variables (read by tracing-settings before the configuration loads): checked here
    // so that a misspelt exporter or endpoint stops the start with the others instead of tracing nowhere.
    OTEL_SDK_DISABLED: envEnum(['true', 'false']).optional(),
    OTEL_TRACES_EXPORTER: envEnum(['otlp', 'console', 'none']).optional(),
    OTEL_EXPORTER_OTLP_ENDPOINT: envUrl({ protocols: ['http:', 'https:'] }).optional(),
    OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: envUrl({ protocols: ['http:', 'https:'] }).optional(),
    JWT_ISSUER: z.string().default('auth-service'),
    JWT_AUDIENCE: z.string().default('service-discovery-lab'),
    /** The issuer's verification keys (usually JWT_PUBLIC_KEYS_FILE): trusted as configured. */
    JWT_PUBLIC_KEYS: trustedKeysSchema.optional(),
    /** The issuer's key set at a fixed address, never one found through discovery. */
    JWKS_URL: envUrl({ protocols: ['http:', 'https:'] }).optional(),
    /** Longest lifetime (exp - iat) of a user's access token: auth-service issues, every service enforces. */
    ACCESS_TOKEN_TTL_SECONDS: envInt({ min: 1, max: 86_400, default: 900 }),
    /** Longest lifetime of a service token: auth-service issues, every service enforces. */
    SERVICE_TOKEN_TTL_SECONDS: envInt({ min: 10, max: 3600, default: 300 }),
    /** The issuer's token endpoint, where this service gets its service tokens (client credentials). */
    AUTH_TOKEN_URL: envUrl({ protocols: ['http:', 'https:'] }).optional(),
    /** This service's client secret for that endpoint (usually SERVICE_CLIENT_SECRET_FILE). */
    SERVICE_CLIENT_SECRET: z.string().min(32, 'expected at least 32 characters').optional(),
    /** Proxies whose X-Forwarded-For is believed for the client address; unset: the socket peer is the client. */
    TRUSTED_PROXIES: envList(proxyAddress, 'proxy addresses').optional(),
  };
}

type BaseShape = ReturnType<typeof baseConfigShape>;

export type BaseConfig = Omit<z.output<z.ZodObject<BaseShape>>, 'INSTANCE_ID'> & { INSTANCE_ID: string };

/** Variables whose values are never logged or echoed back. */
export const BASE_SECRET_KEYS = [
  ...REGISTRY_SECRET_KEYS,
  'EUREKA_TOKEN',
  'DATABASE_URL',
  'ADMIN_TOKEN',
  'SERVICE_CLIENT_SECRET',
] as const;

/** `<name>-<port>-<4 hex>`: readable in a registry listing, unique enough between replicas. */
export function defaultInstanceId(name: string, port: number): string {
  return `${name}-${port}-${randomBytes(2).toString('hex')}`;
}
