import type { Pool } from 'pg';
import { withTransaction, type Queryable } from '@lab/service-kit';
import type { OrderLine } from './order-pricing';

export interface Order {
  id: string;
  userId: string;
  status: 'confirmed';
  totalCents: number;
  items: OrderLine[];
  createdAt: Date;
}

/** The order currently holding a (user, Idempotency-Key) pair. */
export interface KeyHolder {
  id: string;
  status: 'pending' | 'confirmed';
  requestHash: string;
  /** A pending order older than the stale threshold: its owner most likely died mid-flow. */
  stale: boolean;
}

export type ClaimResult = { claimed: true } | { claimed: false; holder: KeyHolder | undefined };

interface OrderRow {
  id: string;
  user_id: string;
  total_cents: string;
  created_at: Date;
  items: { productId: number; quantity: number; unitPriceCents: string | number }[];
}

const SELECT_ORDER = `
  SELECT o.id, o.user_id, o.total_cents, o.created_at,
         coalesce(json_agg(json_build_object('productId', i.product_id, 'quantity', i.quantity,
                                             'unitPriceCents', i.unit_price_cents)
                           ORDER BY i.product_id) FILTER (WHERE i.product_id IS NOT NULL), '[]') AS items
    FROM orders o
    LEFT JOIN order_items i ON i.order_id = o.id`;

// bigint columns arrive as strings; totals stay far below 2^53 (50 items * 1000 * 1e9 cents).
function toOrder(row: OrderRow): Order {
  return {
    id: row.id,
    userId: row.user_id,
    status: 'confirmed',
    totalCents: Number(row.total_cents),
    items: row.items.map((item) => ({ ...item, unitPriceCents: Number(item.unitPriceCents) })),
    createdAt: row.created_at,
  };
}

/**
 * Inserts the pending order that claims (userId, idempotencyKey). The unique constraint decides
 * between concurrent duplicates; a loser gets the current holder instead (undefined when the holder
 * was deleted in between, so the caller simply tries again).
 */
export async function claimIdempotencyKey(
  db: Queryable,
  o: { id: string; userId: string; idempotencyKey: string; requestHash: string; staleAfterSeconds: number },
): Promise<ClaimResult> {
  const inserted = await db.query(
    `INSERT INTO orders (id, user_id, idempotency_key, request_hash, status) VALUES ($1, $2, $3, $4, 'pending')
     ON CONFLICT (user_id, idempotency_key) DO NOTHING`,
    [o.id, o.userId, o.idempotencyKey, o.requestHash],
  );
  if (inserted.rowCount === 1) return { claimed: true };
  const { rows } = await db.query<{ id: string; status: KeyHolder['status']; request_hash: string; stale: boolean }>(
    `SELECT id, status, request_hash,
            status = 'pending' AND updated_at < now() - make_interval(secs => $3) AS stale
       FROM orders WHERE user_id = $1 AND idempotency_key = $2`,
    [o.userId, o.idempotencyKey, o.staleAfterSeconds],
  );
  const row = rows[0];
  return {
    claimed: false,
    holder: row && { id: row.id, status: row.status, requestHash: row.request_hash, stale: row.stale },
  };
}

/** Stores the priced lines and marks the order confirmed, in one transaction. */
export async function confirmOrder(
  pool: Pool,
  o: { id: string; reservationId: string; lines: OrderLine[]; totalCents: number },
): Promise<Order> {
  return withTransaction(pool, async (tx) => {
    const updated = await tx.query(
      `UPDATE orders SET status = 'confirmed', total_cents = $2, reservation_id = $3, updated_at = now()
        WHERE id = $1 AND status = 'pending'`,
      [o.id, o.totalCents, o.reservationId],
    );
    if (updated.rowCount !== 1) throw new Error(`pending order ${o.id} disappeared before it was confirmed`);
    await tx.query(
      `INSERT INTO order_items (order_id, product_id, quantity, unit_price_cents)
       SELECT $1, v.product_id, v.quantity, v.unit_price_cents
         FROM unnest($2::int[], $3::int[], $4::bigint[]) AS v(product_id, quantity, unit_price_cents)`,
      [o.id, o.lines.map((l) => l.productId), o.lines.map((l) => l.quantity), o.lines.map((l) => l.unitPriceCents)],
    );
    const order = await findConfirmedOrder(tx, o.id);
    if (!order) throw new Error(`order ${o.id} vanished inside its own transaction`);
    return order;
  });
}

/** Removes a pending order (its items, if any, go with it). A confirmed order is never touched. */
export async function deletePendingOrder(db: Queryable, id: string, olderThanSeconds = 0): Promise<boolean> {
  const { rowCount } = await db.query(
    `DELETE FROM orders WHERE id = $1 AND status = 'pending' AND updated_at <= now() - make_interval(secs => $2)`,
    [id, olderThanSeconds],
  );
  return rowCount === 1;
}

export async function findConfirmedOrder(db: Queryable, id: string): Promise<Order | undefined> {
  const { rows } = await db.query<OrderRow>(
    `${SELECT_ORDER} WHERE o.id = $1 AND o.status = 'confirmed' GROUP BY o.id`,
    [id],
  );
  return rows[0] && toOrder(rows[0]);
}

/** One page of a user's confirmed orders, newest first, and how many there are in all. */
export async function listConfirmedOrders(
  db: Queryable,
  o: { userId: string; page: number; pageSize: number },
): Promise<{ items: Order[]; total: number }> {
  const [page, count] = await Promise.all([
    db.query<OrderRow>(
      `${SELECT_ORDER} WHERE o.user_id = $1 AND o.status = 'confirmed'
        GROUP BY o.id ORDER BY o.created_at DESC, o.id LIMIT $2 OFFSET $3`,
      [o.userId, o.pageSize, (o.page - 1) * o.pageSize],
    ),
    db.query<{ total: number }>(
      `SELECT count(*)::int AS total FROM orders WHERE user_id = $1 AND status = 'confirmed'`,
      [o.userId],
    ),
  ]);
  return { items: page.rows.map(toOrder), total: count.rows[0].total };
}
