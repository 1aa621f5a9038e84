import { faultInjectionSchema, type FaultInjection } from '@lab/service-kit';
import { z } from 'zod';

const serviceName = z.string().regex(/^[a-z0-9][a-z0-9-]{0,62}$/, 'expected a service name');
const flagName = z.string().regex(/^[A-Za-z0-9._-]{1,100}$/, 'expected a flag name');
/** `logLevel`, `resilience.inventory-service.timeoutMs` or the same with slashes, as the config CLI takes it. */
const settingKey = z
  .string()
  .trim()
  .regex(/^[A-Za-z0-9_-]+(?:[./][A-Za-z0-9_-]+)*$/, 'expected a key such as logLevel or flags/bulk-discount')
  .max(200)
  .transform((key) => key.replaceAll('.', '/'));

export const breakerAction = z.object({
  instance: z.string().regex(/^[A-Za-z0-9._-]{1,128}$/, 'expected an instance id'),
  dependency: serviceName,
  action: z.enum(['force-open', 'reset']),
});

export const flagAction = z.object({
  service: serviceName,
  flag: flagName,
  enabled: z.enum(['true', 'false']).transform((v) => v === 'true'),
});

export const settingAction = z.object({
  service: z.union([serviceName, z.literal('shared')]),
  key: settingKey,
  value: z.string().min(1, 'a value is required (an empty value counts as unset)').max(4000),
});

/** A number typed into the form; blank counts as left out. */
const typedNumber = z
  .string()
  .trim()
  .max(20)
  .optional()
  .transform((text) => (text === undefined || text === '' ? undefined : Number(text)));

export const faultAction = z.object({
  service: serviceName,
  kind: z.enum(['delay', 'abort', 'clear']),
  percent: typedNumber,
  ms: typedNumber,
  status: typedNumber,
});

/** The form field each field of the `fault` setting comes from, to name it in a refusal. */
const FIELD_OF: Record<string, string> = { percentage: 'percent', fixedDelayMs: 'ms', httpStatus: 'status' };

/**
 * The `fault` entry a delay or an abort writes (`fault/delay` or `fault/abort`), checked with the
 * services' own schema so the page refuses exactly what they would; or the issues on `body.<field>`.
 */
export function faultEntry(
  input: z.output<typeof faultAction> & { kind: 'delay' | 'abort' },
):
  | { key: string; value: NonNullable<FaultInjection['delay'] | FaultInjection['abort']> }
  | { issues: { field: string; message: string }[] } {
  const fault =
    input.kind === 'delay'
      ? { delay: { percentage: input.percent, fixedDelayMs: input.ms } }
      : { abort: { percentage: input.percent, httpStatus: input.status ?? 503 } };
  const parsed = faultInjectionSchema.safeParse(fault);
  if (!parsed.success) {
    return {
      issues: parsed.error.issues.map((issue) => {
        const field = String(issue.path.at(-1) ?? 'kind');
        return { field: `body.${FIELD_OF[field] ?? field}`, message: issue.message };
      }),
    };
  }
  const value = parsed.data[input.kind];
  return { key: `fault/${input.kind}`, value: value! };
}
