import type { Queryable } from '@lab/service-kit';
import type { Product, ProductInput } from './product';

interface ProductRow {
  id: number;
  sku: string;
  name: string;
  price_cents: number;
  created_at: Date;
  updated_at: Date;
}

const COLUMNS = 'id, sku, name, price_cents, created_at, updated_at';
/** Ids are `integer`; a larger id cannot exist, and asking Postgres would raise an out-of-range error. */
const MAX_ID = 2_147_483_647;

const toProduct = (row: ProductRow): Product => ({
  id: row.id,
  sku: row.sku,
  name: row.name,
  priceCents: row.price_cents,
  createdAt: row.created_at.toISOString(),
  updatedAt: row.updated_at.toISOString(),
});

/** Raised when another product already has the SKU (the unique constraint decided). */
export class SkuTakenError extends Error {
  readonly code = 'SKU_TAKEN';
  constructor(readonly sku: string) {
    super(`sku ${sku} is already taken`);
  }
}

function rethrowSkuConflict(err: unknown, sku: string): never {
  if (typeof err === 'object' && err !== null && (err as { code?: unknown }).code === '23505') {
    throw new SkuTakenError(sku);
  }
  throw err;
}

export async function findProduct(db: Queryable, id: number): Promise<Product | undefined> {
  if (id > MAX_ID) return undefined;
  const { rows } = await db.query<ProductRow>(`SELECT ${COLUMNS} FROM products WHERE id = $1`, [id]);
  return rows[0] && toProduct(rows[0]);
}

export async function listProducts(
  db: Queryable,
  page: { offset: number; limit: number },
): Promise<{ items: Product[]; total: number }> {
  // The window count saves a second round trip; an empty page (past the end) still needs the total.
  const { rows } = await db.query<ProductRow & { total: string }>(
    `SELECT ${COLUMNS}, count(*) OVER () AS total FROM products ORDER BY id LIMIT $1 OFFSET $2`,
    [page.limit, page.offset],
  );
  const total = rows.length > 0 ? Number(rows[0].total) : await countProducts(db);
  return { items: rows.map(toProduct), total };
}

async function countProducts(db: Queryable): Promise<number> {
  const { rows } = await db.query<{ total: string }>('SELECT count(*) AS total FROM products');
  return Number(rows[0].total);
}

export async function insertProduct(db: Queryable, input: ProductInput): Promise<Product> {
  try {
    const { rows } = await db.query<ProductRow>(
      `INSERT INTO products (sku, name, price_cents) VALUES ($1, $2, $3) RETURNING ${COLUMNS}`,
      [input.sku, input.name, input.priceCents],
    );
    return toProduct(rows[0]);
  } catch (err) {
    rethrowSkuConflict(err, input.sku);
  }
}

/** Replaces the product's fields; undefined when no such product exists. */
export async function updateProduct(db: Queryable, id: number, input: ProductInput): Promise<Product | undefined> {
  if (id > MAX_ID) return undefined;
  try {
    const { rows } = await db.query<ProductRow>(
      `UPDATE products SET sku = $2, name = $3, price_cents = $4, updated_at = now()
        WHERE id = $1 RETURNING ${COLUMNS}`,
      [id, input.sku, input.name, input.priceCents],
    );
    return rows[0] && toProduct(rows[0]);
  } catch (err) {
    rethrowSkuConflict(err, input.sku);
  }
}

/** True when a product was deleted. */
export async function deleteProduct(db: Queryable, id: number): Promise<boolean> {
  if (id > MAX_ID) return false;
  const { rowCount } = await db.query('DELETE FROM products WHERE id = $1', [id]);
  return rowCount === 1;
}
