/** A catalogue entry as the API returns it. Prices are integer cents, never floats. */
export interface Product {
  id: number;
  sku: string;
  name: string;
  priceCents: number;
  createdAt: string;
  updatedAt: string;
}

/** What a client sends to create or replace a product. */
export interface ProductInput {
  sku: string;
  name: string;
  priceCents: number;
}
