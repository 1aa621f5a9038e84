import { createHash } from 'node:crypto';

export interface OrderItemRequest {
  productId: number;
  quantity: number;
}

export interface OrderLine extends OrderItemRequest {
  unitPriceCents: number;
}

/**
 * Fingerprint of what was ordered, independent of item order and JSON formatting, so that a retry
 * of the same request matches and a different request under the same Idempotency-Key does not.
 */
export function requestHash(items: readonly OrderItemRequest[]): string {
  const canonical = [...items]
    .sort((a, b) => a.productId - b.productId)
    .map((item) => [item.productId, item.quantity]);
  return createHash('sha256').update(JSON.stringify(canonical)).digest('hex');
}

/** The order's lines at the given unit prices, and their total. */
export function priceOrder(
  items: readonly OrderItemRequest[],
  unitPrices: readonly number[],
): { lines: OrderLine[]; totalCents: number } {
  let totalCents = 0;
  const lines = items.map((item, index) => {
    const unitPriceCents = unitPrices[index];
    totalCents += unitPriceCents * item.quantity;
    return { productId: item.productId, quantity: item.quantity, unitPriceCents };
  });
  return { lines, totalCents };
}
