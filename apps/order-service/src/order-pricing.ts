import { createHash } from 'node:crypto';
import { bulkUnitPrice } from './bulk-discount';

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
  const canonical = [...items].sort((a, b) => a.productId - b.productId).map((item) => [item.productId, item.quantity]);
  return createHash('sha256').update(JSON.stringify(canonical)).digest('hex');
}

export interface PricingRules {
  /** The `bulk-discount` flag is on for this customer: lines of 10+ units cost 10% less each. */
  bulkDiscount?: boolean;
}

/** The order's lines at the given catalogue unit prices (after the rules that apply), and their total. */
export function priceOrder(
  items: readonly OrderItemRequest[],
  unitPrices: readonly number[],
  rules: PricingRules = {},
): { lines: OrderLine[]; totalCents: number } {
  let totalCents = 0;
  const lines = items.map((item, index) => {
    const unitPriceCents = rules.bulkDiscount ? bulkUnitPrice(unitPrices[index], item.quantity) : unitPrices[index];
    totalCents += unitPriceCents * item.quantity;
    return { productId: item.productId, quantity: item.quantity, unitPriceCents };
  });
  return { lines, totalCents };
}
