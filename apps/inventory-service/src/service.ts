import { defineService } from '@lab/service-kit';
import { inventoryConfig } from './config';
import { registerInventoryRoutes } from './routes/inventory-routes';
import { migrations } from './migrations';
import { registerReservationRoutes } from './routes/reservation-routes';
import { startReservationSweeper } from './reservation-sweeper';

export const inventoryService = defineService({
  name: 'inventory-service',
  defaultPort: 3003,
  config: inventoryConfig,
  database: { migrations },
  dependencies: ['product-service'],
  routes(ctx) {
    registerInventoryRoutes(ctx);
    registerReservationRoutes(ctx);
    const sweeper = startReservationSweeper({
      pool: ctx.db,
      intervalMs: ctx.config.RESERVATION_SWEEP_INTERVAL_MS,
      log: ctx.log,
    });
    ctx.onShutdown(() => sweeper.stop());
  },
});
