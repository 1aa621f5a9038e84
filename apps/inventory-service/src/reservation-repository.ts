import { randomUUID } from 'node:crypto';
import type { Pool } from 'pg';
import { withTransaction, type Queryable } from '@lab/service-kit';
import { InsufficientStockError, type Shortage } from './errors';
import { planTransition, type ReservationAction, type ReservationStatus } from './reservation-transitions';

export interface ReservationItem {
  productId: number;
  quantity: number;
}

export interface Reservation {
  id: string;
  orderId: string;
  status: ReservationStatus;
  expiresAt: Date;
  items: ReservationItem[];
}

export type ReserveResult = { created: boolean; reservation: Reservation };

export type TransitionResult =
  | { kind: 'not-found' }
  | { kind: 'other-order' }
  | { kind: 'ok'; reservation: Reservation }
  | { kind: 'conflict'; reservation: Reservation };

interface ReservationRow {
  id: string;
  order_id: string;
  status: ReservationStatus;
  expires_at: Date;
  items: ReservationItem[];
}

const SELECT_RESERVATION = `
  SELECT r.id, r.order_id, r.status, r.expires_at,
         coalesce(json_agg(json_build_object('productId', i.product_id, 'quantity', i.quantity)
                           ORDER BY i.product_id) FILTER (WHERE i.product_id IS NOT NULL), '[]') AS items
    FROM reservations r
    LEFT JOIN reservation_items i ON i.reservation_id = r.id`;

function toReservation(row: ReservationRow): Reservation {
  return { id: row.id, orderId: row.order_id, status: row.status, expiresAt: row.expires_at, items: row.items };
}

export async function findReservation(db: Queryable, id: string): Promise<Reservation | undefined> {
  const { rows } = await db.query<ReservationRow>(`${SELECT_RESERVATION} WHERE r.id = $1 GROUP BY r.id`, [id]);
  return rows[0] && toReservation(rows[0]);
}

async function findReservationByOrder(db: Queryable, orderId: string): Promise<Reservation | undefined> {
  const { rows } = await db.query<ReservationRow>(`${SELECT_RESERVATION} WHERE r.order_id = $1 GROUP BY r.id`, [
    orderId,
  ]);
  return rows[0] && toReservation(rows[0]);
}

/**
 * Reserves every item or none, in one transaction. The reservation row goes in first: the unique
 * order_id decides between concurrent duplicates (ON CONFLICT waits for the other insert to commit
 * or roll back), so a repeat returns the existing reservation instead of reserving twice. Stock rows
 * are then locked in product_id order — the same order every writer uses, so two reservations can
 * never deadlock — checked, and only then changed.
 * Throws InsufficientStockError (after rolling back) when any item cannot be served.
 */
export async function reserve(
  pool: Pool,
  request: { orderId: string; items: ReservationItem[]; ttlSeconds: number },
): Promise<ReserveResult> {
  return withTransaction(pool, async (tx) => {
    const id = randomUUID();
    const inserted = await tx.query(
      `INSERT INTO reservations (id, order_id, status, expires_at)
       VALUES ($1, $2, 'pending', now() + make_interval(secs => $3))
       ON CONFLICT (order_id) DO NOTHING`,
      [id, request.orderId, request.ttlSeconds],
    );
    if (inserted.rowCount === 0) {
      const existing = await findReservationByOrder(tx, request.orderId);
      if (!existing) throw new Error(`reservation for order ${request.orderId} conflicted but cannot be read`);
      return { created: false, reservation: existing };
    }

    const productIds = request.items.map((item) => item.productId);
    const quantities = request.items.map((item) => item.quantity);
    const { rows } = await tx.query<{ product_id: number; available: number }>(
      `SELECT product_id, available FROM stock WHERE product_id = ANY($1::int[]) ORDER BY product_id FOR UPDATE`,
      [productIds],
    );
    const available = new Map(rows.map((row) => [row.product_id, row.available]));
    const shortages: Shortage[] = [];
    request.items.forEach((item, index) => {
      const onHand = available.get(item.productId);
      if (onHand === undefined || onHand < item.quantity) {
        shortages.push({ index, productId: item.productId, requested: item.quantity, available: onHand ?? null });
      }
    });
    if (shortages.length > 0) throw new InsufficientStockError(shortages);

    await tx.query(
      `UPDATE stock s
          SET available = s.available - v.quantity, reserved = s.reserved + v.quantity, updated_at = now()
         FROM unnest($1::int[], $2::int[]) AS v(product_id, quantity)
        WHERE s.product_id = v.product_id`,
      [productIds, quantities],
    );
    await tx.query(
      `INSERT INTO reservation_items (reservation_id, product_id, quantity)
       SELECT $1, v.product_id, v.quantity FROM unnest($2::int[], $3::int[]) AS v(product_id, quantity)`,
      [id, productIds, quantities],
    );
    const created = await findReservation(tx, id);
    if (!created) throw new Error(`reservation ${id} vanished inside its own transaction`);
    return { created: true, reservation: created };
  });
}

/**
 * Moves the stock held by `reservationIds` out of `reserved`: for good when they are confirmed,
 * back to `available` when they are released or expired. Stock rows are locked in product_id order
 * first, like reserve() does.
 */
async function settleStock(db: Queryable, reservationIds: string[], outcome: 'confirmed' | 'released' | 'expired') {
  const { rows } = await db.query<{ product_id: number; quantity: number }>(
    `SELECT product_id, sum(quantity)::int AS quantity FROM reservation_items
      WHERE reservation_id = ANY($1::uuid[]) GROUP BY product_id ORDER BY product_id`,
    [reservationIds],
  );
  if (rows.length === 0) return;
  const productIds = rows.map((row) => row.product_id);
  await db.query(`SELECT 1 FROM stock WHERE product_id = ANY($1::int[]) ORDER BY product_id FOR UPDATE`, [productIds]);
  await db.query(
    `UPDATE stock s
        SET reserved = s.reserved - v.quantity,
            available = s.available + CASE WHEN $3::boolean THEN v.quantity ELSE 0 END,
            updated_at = now()
       FROM unnest($1::int[], $2::int[]) AS v(product_id, quantity)
      WHERE s.product_id = v.product_id`,
    [productIds, rows.map((row) => row.quantity), outcome !== 'confirmed'],
  );
  await db.query(`UPDATE reservations SET status = $2, updated_at = now() WHERE id = ANY($1::uuid[])`, [
    reservationIds,
    outcome,
  ]);
}

/**
 * Confirms or releases one reservation, for the order it was made for (`other-order` otherwise,
 * changing nothing). The row lock serialises concurrent requests for the same reservation, and the
 * decision is taken from the status read under that lock, so repeating a request is harmless.
 */
export async function transition(
  pool: Pool,
  request: { id: string; orderId: string; action: ReservationAction },
): Promise<TransitionResult> {
  const { id, action } = request;
  return withTransaction(pool, async (tx) => {
    const { rows } = await tx.query<{ status: ReservationStatus; past_expiry: boolean; order_id: string }>(
      `SELECT status, order_id, expires_at <= now() AS past_expiry FROM reservations WHERE id = $1 FOR UPDATE`,
      [id],
    );
    if (rows.length === 0) return { kind: 'not-found' } as const;
    if (rows[0].order_id !== request.orderId) return { kind: 'other-order' } as const;
    const plan = planTransition(rows[0].status, rows[0].past_expiry, action);
    if (plan.kind === 'apply') await settleStock(tx, [id], plan.next);
    if (plan.kind === 'conflict' && plan.expireFirst) await settleStock(tx, [id], 'expired');
    const reservation = await findReservation(tx, id);
    if (!reservation) throw new Error(`reservation ${id} vanished under its own lock`);
    return plan.kind === 'conflict' ? { kind: 'conflict', reservation } : { kind: 'ok', reservation };
  });
}

/**
 * Expires up to `limit` pending reservations past their TTL and gives their stock back. SKIP LOCKED
 * lets several replicas sweep at once without waiting on (or double-releasing) each other's rows,
 * and leaves alone a reservation that a confirm or release is handling right now.
 * Returns how many it expired.
 */
export async function expireDue(pool: Pool, limit: number): Promise<number> {
  return withTransaction(pool, async (tx) => {
    const { rows } = await tx.query<{ id: string }>(
      `SELECT id FROM reservations WHERE status = 'pending' AND expires_at <= now()
        ORDER BY expires_at LIMIT $1 FOR UPDATE SKIP LOCKED`,
      [limit],
    );
    if (rows.length > 0)
      await settleStock(
        tx,
        rows.map((row) => row.id),
        'expired',
      );
    return rows.length;
  });
}
