import type { Migration } from '@lab/service-kit';

/**
 * The schema of inventory-service. The CHECK constraints are the last line of defence against
 * overselling: even a buggy query cannot drive a counter below zero, it fails instead.
 */
export const migrations: Migration[] = [
  {
    name: '001-stock-and-reservations',
    async up(db) {
      await db.query(`
        CREATE TABLE stock (
          product_id integer PRIMARY KEY CHECK (product_id > 0),
          available  integer NOT NULL CHECK (available >= 0),
          reserved   integer NOT NULL DEFAULT 0 CHECK (reserved >= 0),
          updated_at timestamptz NOT NULL DEFAULT now()
        )`);
      await db.query(`
        CREATE TABLE reservations (
          id         uuid PRIMARY KEY,
          order_id   uuid NOT NULL UNIQUE,
          status     text NOT NULL CHECK (status IN ('pending', 'confirmed', 'released', 'expired')),
          expires_at timestamptz NOT NULL,
          created_at timestamptz NOT NULL DEFAULT now(),
          updated_at timestamptz NOT NULL DEFAULT now()
        )`);
      // The sweeper only ever looks for pending reservations past their expiry.
      await db.query(`CREATE INDEX reservations_pending_expiry ON reservations (expires_at) WHERE status = 'pending'`);
      await db.query(`
        CREATE TABLE reservation_items (
          reservation_id uuid NOT NULL REFERENCES reservations (id) ON DELETE CASCADE,
          product_id     integer NOT NULL,
          quantity       integer NOT NULL CHECK (quantity > 0),
          PRIMARY KEY (reservation_id, product_id)
        )`);
    },
  },
];
