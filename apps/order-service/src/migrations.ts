import type { Migration } from '@lab/service-kit';

export const migrations: Migration[] = [
  {
    name: '001-orders',
    async up(db) {
      // user_id is the token subject as issued; text keeps a malformed subject from ever becoming a
      // type error half-way through placing an order.
      // The unique (user_id, idempotency_key) pair is what decides between concurrent duplicates.
      await db.query(`
        CREATE TABLE orders (
          id              uuid PRIMARY KEY,
          user_id         text NOT NULL,
          idempotency_key text NOT NULL,
          request_hash    text NOT NULL,
          status          text NOT NULL CHECK (status IN ('pending', 'confirmed')),
          total_cents     bigint CHECK (total_cents >= 0),
          reservation_id  uuid,
          created_at      timestamptz NOT NULL DEFAULT now(),
          updated_at      timestamptz NOT NULL DEFAULT now(),
          UNIQUE (user_id, idempotency_key),
          CHECK (status = 'pending' OR total_cents IS NOT NULL)
        )`);
      await db.query(`CREATE INDEX orders_by_user ON orders (user_id, created_at DESC, id) WHERE status = 'confirmed'`);
      await db.query(`
        CREATE TABLE order_items (
          order_id         uuid NOT NULL REFERENCES orders (id) ON DELETE CASCADE,
          product_id       integer NOT NULL CHECK (product_id > 0),
          quantity         integer NOT NULL CHECK (quantity BETWEEN 1 AND 1000),
          unit_price_cents bigint NOT NULL CHECK (unit_price_cents >= 0),
          PRIMARY KEY (order_id, product_id)
        )`);
    },
  },
];
