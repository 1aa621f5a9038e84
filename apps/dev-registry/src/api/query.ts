import { z } from 'zod';
import { effectiveWaitMs, type BlockingParams } from '../blocking/blocking-query';
import { durationField } from './schemas/check-schema';
import { validate } from './validate';

const unsignedInteger = z
  .string()
  .regex(/^\d+$/, 'must be an unsigned integer')
  .transform(Number)
  .refine(Number.isSafeInteger, 'is too large');

/** Consul's boolean query flags count when present, whatever their value (`?recurse`, `?keys`). */
export function hasFlag(query: URLSearchParams, name: string): boolean {
  return query.has(name);
}

/** An optional unsigned integer parameter; 400 naming it when malformed. */
export function uintParam(query: URLSearchParams, name: string): number | undefined {
  const raw = query.get(name);
  return raw === null ? undefined : validate(unsignedInteger, raw, name);
}

// Go's strconv.ParseBool spellings; an empty value is Consul's bare flag (`?passing`).
const goBoolean = z
  .enum(['', '1', 't', 'T', 'true', 'TRUE', 'True', '0', 'f', 'F', 'false', 'FALSE', 'False'], {
    error: 'must be true or false',
  })
  .transform((value) => /^(|1|t|true)$/i.test(value));

const waitDuration = durationField.refine((ms) => ms === undefined || ms >= 0, 'must not be negative');

/** A boolean parameter such as `?passing`: false when absent; 400 naming it when unreadable. */
export function booleanParam(query: URLSearchParams, name: string): boolean {
  const raw = query.get(name);
  return raw === null ? false : validate(goBoolean, raw, name);
}

/** `index` and `wait` of a blocking read (validated before the wait starts). */
export function blockingParams(query: URLSearchParams): BlockingParams {
  const minIndex = uintParam(query, 'index') ?? 0;
  const wait = query.get('wait');
  const requestedMs = wait === null ? undefined : validate(waitDuration, wait, 'wait');
  return { minIndex, waitMs: effectiveWaitMs(requestedMs) };
}
