import { randomBytes } from 'node:crypto';
import { envDuration, envEnum, envInt, envPort, envUrl } from '@lab/config';
import { z } from 'zod';

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

/** Sizes the body parser understands: "100kb", "1mb", "512" (bytes). */
const BODY_LIMIT = /^\d+(?:\.\d+)?\s*(?:b|kb|mb|gb)?$/i;

/** A host name or IP address, without scheme or port. */
const hostSchema = z.string().regex(/^[A-Za-z0-9._:-]+$/, 'expected a host name or IP address');

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
    SERVICE_VERSION: z.string().max(64).optional(),
    LOG_LEVEL: envEnum(LOG_LEVELS, 'info'),
    NODE_ENV: z.string().default('development'),
    DISCOVERY_BACKEND: envEnum(['consul', 'memory'], 'consul'),
    CONSUL_URL: envUrl({ protocols: ['http:', 'https:'], default: 'http://127.0.0.1:8500' }),
    CONSUL_TOKEN: z.string().optional(),
    CHECK_INTERVAL: envDuration('10s').pipe(z.number().min(1000, 'expected at least 1s')),
    DEREGISTER_CRITICAL_AFTER: envDuration('1m').pipe(z.number().min(1000, 'expected at least 1s')),
    DATABASE_URL: envUrl({ protocols: ['postgres:', 'postgresql:'] }).optional(),
    DATABASE_POOL_MAX: envInt({ min: 1, max: 1000, default: 10 }),
    DATABASE_STATEMENT_TIMEOUT_MS: envInt({ min: 0, max: 3_600_000, default: 15_000 }),
    BODY_LIMIT: z.string().regex(BODY_LIMIT, 'expected a size such as 100kb or 1mb').default('100kb'),
    SHUTDOWN_TIMEOUT_MS: envInt({ min: 0, max: 600_000, default: 10_000 }),
    SHUTDOWN_DRAIN_DELAY_MS: envInt({ min: 0, max: 600_000, default: 0 }),
    OUTBOUND_TIMEOUT_MS: envInt({ min: 1, max: 600_000, default: 2000 }),
    JWT_ISSUER: z.string().default('auth-service'),
    JWT_AUDIENCE: z.string().default('service-discovery-lab'),
  };
}

type BaseShape = ReturnType<typeof baseConfigShape>;

export type BaseConfig = Omit<z.output<z.ZodObject<BaseShape>>, 'INSTANCE_ID'> & { INSTANCE_ID: string };

/** Variables whose values are never logged or echoed back. */
export const BASE_SECRET_KEYS = ['CONSUL_TOKEN', 'DATABASE_URL'] as const;

/** `<name>-<port>-<4 hex>`: readable in a registry listing, unique enough between replicas. */
export function defaultInstanceId(name: string, port: number): string {
  return `${name}-${port}-${randomBytes(2).toString('hex')}`;
}
