import { z } from 'zod';

/** Path ids are positive integers written in plain decimal: no signs, exponents or leading zeros. */
export const productIdParams = z.object({
  id: z
    .string()
    .regex(/^[1-9][0-9]*$/, 'must be a positive integer')
    .transform(Number)
    .pipe(z.number().max(Number.MAX_SAFE_INTEGER, 'is too large')),
});

export const listProductsQuery = z.object({
  page: z.coerce.number().int().min(1).max(1_000_000).default(1),
  pageSize: z.coerce.number().int().min(1).max(100).default(20),
});

export const productBody = z.object({
  sku: z
    .string()
    .min(1)
    .max(64)
    .regex(/^[A-Za-z0-9_-]+$/, 'may contain only letters, digits, "_" and "-"'),
  name: z.string().trim().min(1).max(200),
  priceCents: z.number().int().min(0).max(1_000_000_000),
});
