import { Conflict, type ServiceClient, ServiceUnavailable, UnprocessableEntity } from '@lab/service-kit';
import { z } from 'zod';
import type { OrderItemRequest } from './order-pricing';

export const PRODUCT_SERVICE = 'product-service';
export const INVENTORY_SERVICE = 'inventory-service';

const productBody = z.object({ priceCents: z.number().int().min(0) });
const reservationBody = z.object({ id: z.uuid(), status: z.string() });
const problemErrors = z.object({
  detail: z.string().optional(),
  errors: z.array(z.object({ field: z.string(), message: z.string() })).optional(),
});

/** A neighbour answered, but not with anything this flow can use: as good as unavailable. */
function unexpectedAnswer(service: string, status: number): ServiceUnavailable {
  return new ServiceUnavailable(`Dependency ${service} answered ${status} unexpectedly`);
}

/**
 * Unit prices for `items`, in the same order, looked up in parallel. Products the catalogue does
 * not know are reported together, each named by its position in the request.
 * Errors thrown by the client (no instance, timeout, open breaker, 5xx) propagate as they are:
 * service-kit tags them with the dependency and answers 503.
 */
export async function fetchUnitPrices(products: ServiceClient, items: readonly OrderItemRequest[]): Promise<number[]> {
  const responses = await Promise.all(items.map((item) => products.get(`/products/${item.productId}`)));
  const unknown = items.flatMap((item, index) => (responses[index].status === 404 ? [{ item, index }] : []));
  if (unknown.length > 0) {
    throw new UnprocessableEntity(`Unknown products: ${unknown.map(({ item }) => item.productId).join(', ')}`, {
      errors: unknown.map(({ item, index }) => ({
        field: `body.items.${index}.productId`,
        message: `product ${item.productId} does not exist`,
      })),
    });
  }
  return responses.map((response) => {
    const product = productBody.safeParse(response.body);
    if (response.status !== 200 || !product.success) throw unexpectedAnswer(PRODUCT_SERVICE, response.status);
    return product.data.priceCents;
  });
}

export interface ReservationRef {
  id: string;
  status: string;
}

/**
 * Reserves stock for the order. The call carries order-service's own service token (service-kit
 * adds it), not the customer's: inventory-service takes reservations from order-service alone.
 * Marked idempotent so the policy may retry it: inventory-service deduplicates by orderId, so a
 * retry after a lost answer returns the reservation the first attempt made instead of reserving twice.
 */
export async function reserveStock(
  inventory: ServiceClient,
  o: { orderId: string; items: readonly OrderItemRequest[] },
): Promise<ReservationRef> {
  const response = await inventory.post('/reservations', { orderId: o.orderId, items: o.items }, { idempotent: true });
  if (response.status === 409) {
    const problem = problemErrors.safeParse(response.body);
    // Inventory names items by their position in the list we sent, which is the caller's own.
    throw new Conflict(
      (problem.success && problem.data.detail) || 'Some products are out of stock',
      problem.success && problem.data.errors ? { errors: problem.data.errors } : undefined,
    );
  }
  const reservation = reservationBody.safeParse(response.body);
  if ((response.status !== 201 && response.status !== 200) || !reservation.success) {
    throw unexpectedAnswer(INVENTORY_SERVICE, response.status);
  }
  return reservation.data;
}

/**
 * Confirms or releases the reservation made for `orderId` (inventory-service settles a reservation
 * only for its own order). Both are idempotent on the server (a repeat of a confirm or a release
 * answers with the reservation as it is), so retries are safe here too.
 */
export async function settleReservation(
  inventory: ServiceClient,
  o: { reservationId: string; orderId: string; action: 'confirm' | 'release' },
): Promise<void> {
  const response = await inventory.post(
    `/reservations/${o.reservationId}/${o.action}`,
    { orderId: o.orderId },
    { idempotent: true },
  );
  if (response.status === 200) return;
  if (response.status === 409 && o.action === 'confirm') {
    throw new Conflict('The stock reservation expired before the order could be confirmed; please try again');
  }
  throw unexpectedAnswer(INVENTORY_SERVICE, response.status);
}
