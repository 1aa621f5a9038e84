/** The feature flag that turns the bulk pricing rule on, per user (see the README). */
export const BULK_DISCOUNT_FLAG = 'bulk-discount';

/** Lines of at least this many units get the discount. */
export const BULK_MIN_QUANTITY = 10;

/** Percent off the unit price. */
export const BULK_DISCOUNT_PERCENT = 10;

/** The unit price of a line under the bulk rule, rounded to the nearest cent. */
export function bulkUnitPrice(unitPriceCents: number, quantity: number): number {
  if (quantity < BULK_MIN_QUANTITY) return unitPriceCents;
  return Math.round((unitPriceCents * (100 - BULK_DISCOUNT_PERCENT)) / 100);
}
