import { envInt } from '@lab/config';
import { z } from 'zod';

/** Environment variables inventory-service reads on top of service-kit's base configuration. */
export const inventoryConfig = z.object({
  RESERVATION_TTL_SECONDS: envInt({ min: 1, max: 7 * 24 * 3600, default: 300 }),
  RESERVATION_SWEEP_INTERVAL_MS: envInt({ min: 10, max: 3_600_000, default: 5000 }),
});

export type InventoryConfig = z.infer<typeof inventoryConfig>;
