import { envInt } from '@lab/config';
import { z } from 'zod';

/** Environment variables order-service reads on top of service-kit's base configuration. */
export const orderConfig = z.object({
  ORDER_DUPLICATE_WAIT_MS: envInt({ min: 0, max: 60_000, default: 5000 }),
  ORDER_PENDING_STALE_SECONDS: envInt({ min: 1, max: 86_400, default: 60 }),
});

export type OrderConfig = z.infer<typeof orderConfig>;
