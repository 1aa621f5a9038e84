import { uniqueBy } from '@lab/service-kit';
import { z } from 'zod';

const MAX_INT4 = 2_147_483_647;

/** A positive integer id in a path segment, written plainly ("12", not "1e1", "0x0c" or " 12"). */
const intIdParam = z
  .string()
  .regex(/^[1-9][0-9]{0,9}$/, 'must be a positive integer')
  .transform(Number)
  .refine((n) => n <= MAX_INT4, 'is too large');

export const productIdParams = z.object({ productId: intIdParam });

export const reservationIdParams = z.object({ id: z.uuid() });

export const setStockBody = z.strictObject({
  quantity: z.number().int().min(0).max(1_000_000_000),
});

export const reservationItem = z.strictObject({
  productId: z.number().int().min(1).max(MAX_INT4),
  quantity: z.number().int().min(1).max(1000),
});

export const createReservationBody = z.strictObject({
  orderId: z.uuid(),
  items: z.array(reservationItem).min(1).max(50).superRefine(uniqueBy('productId')),
});

/** Confirm and release name the order the reservation was made for: only that order may settle it. */
export const settleReservationBody = z.strictObject({
  orderId: z.uuid(),
});

export type CreateReservationBody = z.infer<typeof createReservationBody>;
