import { isHostAddress } from '@lab/common';
import { z } from 'zod';
import type { CheckInput, ServiceInput } from '../../state/types';
import { checkSchema, isBlankCheck, type ParsedCheck } from './check-schema';
import { canonicalizeKeys } from './keys';

const SERVICE_KEYS = [
  'ID',
  'Name',
  'Tags',
  'Address',
  'Port',
  'Meta',
  'EnableTagOverride',
  'Weights',
  'Check',
  'Checks',
  'Kind',
];

// Consul's service metadata rules, so that what passes here also passes a real agent.
const META_MAX_PAIRS = 64;
const META_KEY_MAX = 128;
const META_VALUE_MAX = 512;
const META_KEY_FORMAT = /^[a-zA-Z0-9_-]+$/;

const metaField = z
  .record(z.string(), z.string())
  .nullish()
  .superRefine((meta, ctx) => {
    if (!meta) return;
    const keys = Object.keys(meta);
    if (keys.length > META_MAX_PAIRS) ctx.addIssue({ code: 'custom', message: `at most ${META_MAX_PAIRS} pairs` });
    for (const key of keys) {
      const problem =
        key === ''
          ? 'keys must not be empty'
          : key.length > META_KEY_MAX
            ? `key longer than ${META_KEY_MAX} characters`
            : !META_KEY_FORMAT.test(key)
              ? 'keys may only contain letters, digits, "_" and "-"'
              : key.startsWith('consul-')
                ? 'the "consul-" key prefix is reserved'
                : meta[key].length > META_VALUE_MAX
                  ? `value longer than ${META_VALUE_MAX} characters`
                  : undefined;
      if (problem) ctx.addIssue({ code: 'custom', message: problem, path: [key] });
    }
  });

const weightsField = z.preprocess(
  (value) => canonicalizeKeys(value, ['Passing', 'Warning']),
  z
    .object({
      Passing: z.number().int().min(1, 'must be at least 1'),
      Warning: z.number().int().min(0).optional(),
    })
    .nullish(),
);

const optionalCheck = z.preprocess((value) => (isBlankCheck(value) ? undefined : value), checkSchema.optional());

/** The body of PUT /v1/agent/service/register, in any key casing Consul accepts. */
export const serviceRegistrationSchema = z.preprocess(
  (value) => canonicalizeKeys(value, SERVICE_KEYS),
  z.object(
    {
      ID: z.string().nullish(),
      Name: z.string({ error: 'Missing service name' }).min(1, 'Missing service name'),
      Tags: z.array(z.string()).nullish(),
      // Empty means the node's address, as in Consul; anything else must be only a host.
      Address: z
        .string()
        .refine((a) => a === '' || isHostAddress(a), 'must be an IP address or a host name (no user@, port or path)')
        .nullish(),
      Port: z.number().int().min(0).max(65535).nullish(),
      Meta: metaField,
      EnableTagOverride: z.boolean().nullish(),
      Weights: weightsField,
      Check: optionalCheck,
      Checks: z.array(optionalCheck).nullish(),
      Kind: z.literal('', { error: 'only typical services are supported (no Kind)' }).nullish(),
    },
    { error: 'the body must be a JSON object' },
  ),
);

export type ServiceRegistrationBody = z.infer<typeof serviceRegistrationSchema>;

/** Turns a validated body into the service and the checks the agent stores, with Consul's defaults. */
export function toRegistration(body: ServiceRegistrationBody): { service: ServiceInput; checks: CheckInput[] } {
  const id = body.ID || body.Name;
  const service: ServiceInput = {
    id,
    name: body.Name,
    address: body.Address ?? '',
    port: body.Port ?? 0,
    tags: body.Tags ?? [],
    meta: body.Meta ?? {},
    enableTagOverride: body.EnableTagOverride ?? false,
    weights: { Passing: body.Weights?.Passing ?? 1, Warning: body.Weights?.Warning ?? 1 },
  };
  const parsed = [body.Check, ...(body.Checks ?? [])].filter((c): c is ParsedCheck => c !== undefined);
  const checks = parsed.map((check, i): CheckInput => ({
    // Consul's IDs: "service:<id>", numbered from 1 when the service has several checks.
    checkId: check.checkId ?? (parsed.length > 1 ? `service:${id}:${i + 1}` : `service:${id}`),
    name: check.name ?? `Service '${body.Name}' check`,
    notes: check.notes,
    serviceId: id,
    status: check.status,
    definition: check.definition,
  }));
  return { service, checks };
}
