export interface Shortage {
  /** Position of the item in the request, so that answers can name `items.N`. */
  index: number;
  productId: number;
  requested: number;
  /** null when the product has no stock record at all. */
  available: number | null;
}

/** A reservation could not take every item; nothing was reserved. */
export class InsufficientStockError extends Error {
  readonly code = 'INSUFFICIENT_STOCK';
  constructor(readonly shortages: Shortage[]) {
    super(`insufficient stock for products ${shortages.map((s) => s.productId).join(', ')}`);
    this.name = 'InsufficientStockError';
  }
}
