import type { Migration } from '@lab/service-kit';

/** auth-service's schema. Migrations are append-only: never edit one that has shipped. */
export const migrations: Migration[] = [
  {
    name: '001-users',
    async up(db) {
      await db.query(`
        CREATE TABLE users (
          id uuid PRIMARY KEY,
          email text NOT NULL UNIQUE,
          password_hash text NOT NULL,
          role text NOT NULL CHECK (role IN ('customer', 'admin')),
          created_at timestamptz NOT NULL DEFAULT now()
        )`);
    },
  },
  {
    name: '002-refresh-tokens',
    async up(db) {
      // Only the sha256 of a token is stored. Every token belongs to a family (one login); a
      // refresh spends the presented token and adds its successor to the same family.
      await db.query(`
        CREATE TABLE refresh_tokens (
          id uuid PRIMARY KEY,
          family_id uuid NOT NULL,
          user_id uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
          token_hash bytea NOT NULL UNIQUE,
          expires_at timestamptz NOT NULL,
          created_at timestamptz NOT NULL DEFAULT now(),
          spent_at timestamptz,
          revoked_at timestamptz
        )`);
      await db.query('CREATE INDEX refresh_tokens_family_idx ON refresh_tokens (family_id)');
    },
  },
  {
    name: '003-signing-keys',
    async up(db) {
      await db.query(`
        CREATE TABLE signing_keys (
          id text PRIMARY KEY,
          private_key_pem text NOT NULL,
          created_at timestamptz NOT NULL DEFAULT now()
        )`);
    },
  },
  {
    name: '004-drop-signing-keys',
    async up(db) {
      // Private keys are secrets (JWT_PRIVATE_KEY_FILE), not rows: a database backup or a read-only
      // SQL injection must not hand out the power to mint tokens. The stored key is discarded.
      await db.query('DROP TABLE IF EXISTS signing_keys');
    },
  },
];
