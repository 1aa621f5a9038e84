import type { Migration } from '@lab/service-kit';

/** product-service's schema. Migrations are append-only: never edit one that has shipped. */
export const migrations: Migration[] = [
  {
    name: '001-products',
    async up(db) {
      await db.query(`
        CREATE TABLE products (
          id integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
          sku text NOT NULL UNIQUE,
          name text NOT NULL,
          price_cents integer NOT NULL CHECK (price_cents >= 0),
          created_at timestamptz NOT NULL DEFAULT now(),
          updated_at timestamptz NOT NULL DEFAULT now()
        )`);
    },
  },
];
