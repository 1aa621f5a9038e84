import { uniqueBy } from '@lab/service-kit';
import { z } from 'zod';

const MAX_INT4 = 2_147_483_647;

export const orderItem = z.strictObject({
  productId: z.number().int().min(1).max(MAX_INT4),
  quantity: z.number().int().min(1).max(1000),
});

export const createOrderBody = z.strictObject({
  items: z.array(orderItem).min(1).max(50).superRefine(uniqueBy('productId')),
});

const KEY_LENGTH = { min: 8, max: 200 } as const;
const KEY_SHAPE = `${KEY_LENGTH.min} to ${KEY_LENGTH.max} visible ASCII characters (letters, digits, punctuation; no spaces)`;
const keyLength = (issue: { input?: unknown }) => `${String(issue.input).length} characters`;

export const createOrderHeaders = z.object({
  // Each check says what is wrong: a message on z.string() alone would answer every one of them.
  'idempotency-key': z
    .string({ error: `the Idempotency-Key header is required: ${KEY_SHAPE}, a UUID for one` })
    .min(KEY_LENGTH.min, { error: (issue) => `the Idempotency-Key is too short (${keyLength(issue)}): ${KEY_SHAPE}` })
    .max(KEY_LENGTH.max, { error: (issue) => `the Idempotency-Key is too long (${keyLength(issue)}): ${KEY_SHAPE}` })
    .regex(/^[\x21-\x7e]*$/, { error: `the Idempotency-Key has characters it may not: ${KEY_SHAPE}` }),
});

export const orderIdParams = z.object({ id: z.uuid() });

export const listOrdersQuery = z.object({
  page: z.coerce.number().int().min(1).max(1_000_000).default(1),
  pageSize: z.coerce.number().int().min(1).max(100).default(20),
});
