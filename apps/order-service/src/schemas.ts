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

export const createOrderHeaders = z.object({
  'idempotency-key': z
    .string({ error: 'the Idempotency-Key header is required' })
    .min(8)
    .max(200)
    .regex(/^[\x21-\x7e]+$/, 'expected visible ASCII characters only'),
});

export const orderIdParams = z.object({ id: z.uuid() });

export const listOrdersQuery = z.object({
  page: z.coerce.number().int().min(1).max(1_000_000).default(1),
  pageSize: z.coerce.number().int().min(1).max(100).default(20),
});
