import { NotFound, parseBody, parseHeaders, parseParams, parseQuery, type ServiceContext } from '@lab/service-kit';
import { BULK_DISCOUNT_FLAG } from '../bulk-discount';
import type { OrderConfig } from '../config';
import { INVENTORY_SERVICE, PRODUCT_SERVICE } from '../neighbours';
import { OrderPlacement } from '../order-placement';
import { findConfirmedOrder, listConfirmedOrders } from '../order-repository';
import { createOrderBody, createOrderHeaders, listOrdersQuery, orderIdParams } from '../schemas';

export function registerOrderRoutes(ctx: ServiceContext<OrderConfig>): void {
  const { app, auth } = ctx;
  const placement = new OrderPlacement({
    db: ctx.db,
    products: ctx.services.client(PRODUCT_SERVICE),
    inventory: ctx.services.client(INVENTORY_SERVICE),
    log: ctx.log,
    duplicateWaitMs: ctx.config.ORDER_DUPLICATE_WAIT_MS,
    pendingStaleSeconds: ctx.config.ORDER_PENDING_STALE_SECONDS,
  });

  app.post('/orders', auth.required, async (req, res) => {
    const headers = parseHeaders(createOrderHeaders, req);
    const { items } = parseBody(createOrderBody, req);
    const { order, replayed } = await placement.place({
      userId: req.user.id,
      idempotencyKey: headers['idempotency-key'],
      items,
      // Evaluated locally from the live configuration: no network call per order.
      pricing: { bulkDiscount: ctx.flags.isEnabled(BULK_DISCOUNT_FLAG, { userId: req.user.id, role: req.user.role }) },
    });
    if (replayed) res.status(200).set('idempotent-replayed', 'true');
    else res.status(201).location(`/orders/${order.id}`);
    res.json(order);
  });

  app.get('/orders', auth.required, async (req, res) => {
    const { page, pageSize } = parseQuery(listOrdersQuery, req);
    const { items, total } = await listConfirmedOrders(ctx.db, { userId: req.user.id, page, pageSize });
    res.json({ items, page, pageSize, total });
  });

  app.get('/orders/:id', auth.required, async (req, res) => {
    const { id } = parseParams(orderIdParams, req);
    const order = await findConfirmedOrder(ctx.db, id);
    // Someone else's order answers exactly like a missing one, so ids of others never leak.
    if (!order || (order.userId !== req.user.id && req.user.role !== 'admin')) {
      throw new NotFound(`Order ${id} does not exist`);
    }
    res.json(order);
  });
}
