import type { Queryable } from '@lab/service-kit';

export interface StockLevel {
  productId: number;
  available: number;
  reserved: number;
}

interface StockRow {
  product_id: number;
  available: number;
  reserved: number;
}

function toStockLevel(row: StockRow): StockLevel {
  return { productId: row.product_id, available: row.available, reserved: row.reserved };
}

export async function findStock(db: Queryable, productId: number): Promise<StockLevel | undefined> {
  const { rows } = await db.query<StockRow>('SELECT product_id, available, reserved FROM stock WHERE product_id = $1', [
    productId,
  ]);
  return rows[0] && toStockLevel(rows[0]);
}

/** Sets the available quantity, creating the stock record on first use. Reserved stock is untouched. */
export async function setAvailable(db: Queryable, productId: number, available: number): Promise<StockLevel> {
  const { rows } = await db.query<StockRow>(
    `INSERT INTO stock (product_id, available) VALUES ($1, $2)
     ON CONFLICT (product_id) DO UPDATE SET available = EXCLUDED.available, updated_at = now()
     RETURNING product_id, available, reserved`,
    [productId, available],
  );
  return toStockLevel(rows[0]);
}
