import { z } from 'zod';
import { parseHostPort } from '../../checks/tcp-probe';
import { DurationError, parseDuration } from '@lab/common';
import type { CheckDefinition, CheckStatus } from '../../state/types';
import { canonicalizeKeys } from './keys';

/** Consul's default timeout for HTTP and TCP checks. */
export const DEFAULT_CHECK_TIMEOUT_MS = 10_000;

/** Check kinds Consul has and this registry does not run; naming them is refused, not ignored. */
const UNSUPPORTED_KINDS = [
  'Args',
  'ScriptArgs',
  'Script',
  'GRPC',
  'H2PING',
  'UDP',
  'AliasNode',
  'AliasService',
  'OSService',
  'DockerContainerID',
] as const;

const CHECK_KEYS = [
  'CheckID',
  'ID',
  'Name',
  'Notes',
  'Status',
  'ServiceID',
  'HTTP',
  'Method',
  'Header',
  'Body',
  'TLSSkipVerify',
  'TLSServerName',
  'TCP',
  'TTL',
  'Interval',
  'Timeout',
  'DeregisterCriticalServiceAfter',
  ...UNSUPPORTED_KINDS,
];

/**
 * A Go duration as Consul accepts it in JSON: a string ("10s") or a number of nanoseconds. "" and
 * null mean unset. Parsed to milliseconds.
 */
export const durationField = z
  .union([z.string(), z.number()])
  .nullish()
  .transform((value, ctx): number | undefined => {
    if (value === null || value === undefined || value === '') return undefined;
    if (typeof value === 'number') return value / 1e6;
    try {
      return parseDuration(value);
    } catch (error) {
      if (!(error instanceof DurationError)) throw error;
      ctx.addIssue({ code: 'custom', message: error.message });
      return z.NEVER;
    }
  });

const statusField = z
  .enum(['passing', 'warning', 'critical', ''], { error: 'must be one of passing, warning, critical' })
  .nullish()
  .transform((s): CheckStatus | undefined => (s ? s : undefined));

const httpUrl = z.string().refine((value) => {
  try {
    const { protocol } = new URL(value);
    return protocol === 'http:' || protocol === 'https:';
  } catch {
    return false;
  }
}, 'must be an http:// or https:// URL');

const rawCheck = z.object({
  CheckID: z.string().nullish(),
  ID: z.string().nullish(),
  Name: z.string().nullish(),
  Notes: z.string().nullish(),
  Status: statusField,
  ServiceID: z.string().nullish(),
  HTTP: httpUrl.or(z.literal('')).nullish(),
  Method: z
    .string()
    .regex(/^[A-Za-z]+$/, 'must be an HTTP method')
    .or(z.literal(''))
    .nullish(),
  Header: z.record(z.string(), z.array(z.string())).nullish(),
  Body: z.string().nullish(),
  TLSSkipVerify: z.boolean().nullish(),
  TLSServerName: z.string().nullish(),
  TCP: z
    .string()
    .refine((v) => v === '' || parseHostPort(v) !== undefined, 'must be host:port')
    .nullish(),
  TTL: durationField,
  Interval: durationField,
  Timeout: durationField,
  DeregisterCriticalServiceAfter: durationField,
  ...Object.fromEntries(UNSUPPORTED_KINDS.map((k) => [k, z.unknown().optional()])),
});

export interface ParsedCheck {
  /** CheckID (or ID) as given; the caller derives a default when absent. */
  checkId?: string;
  name?: string;
  notes: string;
  status?: CheckStatus;
  serviceId?: string;
  definition: CheckDefinition;
}

/** A check definition in any casing; the result says what the agent will run. */
export const checkSchema = z.preprocess(
  (value) => canonicalizeKeys(value, CHECK_KEYS),
  rawCheck.transform((raw, ctx): ParsedCheck => {
    const fail = (message: string): never => {
      ctx.addIssue({ code: 'custom', message });
      return z.NEVER as never;
    };
    const unsupported = UNSUPPORTED_KINDS.filter((k) => !isBlank((raw as Record<string, unknown>)[k]));
    if (unsupported.length > 0) {
      return fail(`${unsupported.join(', ')} checks are not supported by dev-registry; use HTTP, TCP or TTL`);
    }
    const kinds = (['HTTP', 'TCP', 'TTL'] as const).filter((k) =>
      k === 'TTL' ? raw.TTL !== undefined : Boolean(raw[k]),
    );
    if (kinds.length !== 1) {
      return fail(
        kinds.length === 0 ? 'a check needs one of HTTP, TCP or TTL' : `a check takes only one of ${kinds.join(', ')}`,
      );
    }
    const deregisterCriticalServiceAfterMs =
      raw.DeregisterCriticalServiceAfter !== undefined && raw.DeregisterCriticalServiceAfter > 0
        ? raw.DeregisterCriticalServiceAfter
        : undefined;

    let definition: CheckDefinition;
    if (raw.TTL !== undefined) {
      if (raw.TTL <= 0) return fail('TTL must be > 0');
      definition = { kind: 'ttl', ttlMs: raw.TTL, deregisterCriticalServiceAfterMs };
    } else {
      if (raw.Interval === undefined || raw.Interval <= 0) return fail('Interval must be > 0 for HTTP and TCP checks');
      const timeoutMs = raw.Timeout !== undefined && raw.Timeout > 0 ? raw.Timeout : DEFAULT_CHECK_TIMEOUT_MS;
      definition = raw.HTTP
        ? {
            kind: 'http',
            http: raw.HTTP,
            method: (raw.Method || 'GET').toUpperCase(),
            header: raw.Header ?? {},
            body: raw.Body ?? '',
            tlsSkipVerify: raw.TLSSkipVerify ?? false,
            tlsServerName: raw.TLSServerName ?? '',
            intervalMs: raw.Interval,
            timeoutMs,
            deregisterCriticalServiceAfterMs,
          }
        : { kind: 'tcp', tcp: raw.TCP!, intervalMs: raw.Interval, timeoutMs, deregisterCriticalServiceAfterMs };
    }
    return {
      checkId: raw.CheckID || raw.ID || undefined,
      name: raw.Name || undefined,
      notes: raw.Notes ?? '',
      status: raw.Status,
      serviceId: raw.ServiceID || undefined,
      definition,
    };
  }),
);

/**
 * Consul skips a service's `Check` when every field of it is empty (clients in typed languages
 * send such zero-valued objects); anything else must be a valid check.
 */
export function isBlankCheck(value: unknown): boolean {
  if (value === null || value === undefined) return true;
  if (typeof value !== 'object' || Array.isArray(value)) return false;
  return Object.values(value).every(isBlank);
}

function isBlank(value: unknown): boolean {
  if (value === null || value === undefined || value === '' || value === false || value === 0) return true;
  if (Array.isArray(value)) return value.length === 0;
  if (typeof value === 'object') return Object.keys(value).length === 0;
  return false;
}

/** The body of PUT /v1/agent/check/register: a check with a Name, optionally attached to a ServiceID. */
export const checkRegistrationSchema = checkSchema.refine((check) => check.name !== undefined, {
  message: 'Missing check name',
  path: ['Name'],
});

/** The body of PUT /v1/agent/check/update/:check_id. */
export const checkUpdateSchema = z.preprocess(
  (value) => canonicalizeKeys(value, ['Status', 'Output']),
  z.object(
    {
      Status: z.enum(['passing', 'warning', 'critical'], {
        error: 'Invalid check status: must be passing, warning or critical',
      }),
      Output: z.string().nullish(),
    },
    { error: 'the body must be a JSON object' },
  ),
);
