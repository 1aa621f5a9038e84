import { defineService } from '@lab/service-kit';
import { orderConfig } from './config';
import { migrations } from './migrations';
import { INVENTORY_SERVICE, PRODUCT_SERVICE } from './neighbours';
import { registerOrderRoutes } from './routes/order-routes';

export const orderService = defineService({
  name: 'order-service',
  defaultPort: 3004,
  config: orderConfig,
  database: { migrations },
  dependencies: [PRODUCT_SERVICE, INVENTORY_SERVICE],
  routes(ctx) {
    registerOrderRoutes(ctx);
  },
});
