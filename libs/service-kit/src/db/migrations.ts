import { errorMessage } from '@lab/common';
import type { Logger } from 'pino';
import type pg from 'pg';
import type * as UmzugModule from 'umzug';
import type { UmzugStorage } from 'umzug';
import type { Migration } from './types';

const MIGRATIONS_TABLE = 'schema_migrations';
/** First key of the two-int advisory lock; the second is derived from the service name. */
const LOCK_NAMESPACE = 0x4d494752; // "MIGR"

/** FNV-1a, folded into a signed 32-bit int as pg_advisory_lock(int, int) wants. */
export function migrationLockKey(serviceName: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < serviceName.length; i++) {
    hash ^= serviceName.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return hash | 0;
}

/** Records applied migrations in a table, written inside each migration's own transaction. */
class TableStorage implements UmzugStorage<pg.PoolClient> {
  constructor(private readonly client: pg.PoolClient) {}

  async logMigration({ name }: { name: string }): Promise<void> {
    // A migration another replica applied first (see runMigrations) is already recorded.
    await this.client.query(`INSERT INTO ${MIGRATIONS_TABLE} (name) VALUES ($1) ON CONFLICT (name) DO NOTHING`, [name]);
  }

  async isRecorded(name: string): Promise<boolean> {
    const result = await this.client.query(`SELECT 1 FROM ${MIGRATIONS_TABLE} WHERE name = $1`, [name]);
    return result.rowCount === 1;
  }

  async unlogMigration({ name }: { name: string }): Promise<void> {
    await this.client.query(`DELETE FROM ${MIGRATIONS_TABLE} WHERE name = $1`, [name]);
  }

  async executed(): Promise<string[]> {
    const result = await this.client.query<{ name: string }>(
      `SELECT name FROM ${MIGRATIONS_TABLE} ORDER BY applied_at, name`,
    );
    return result.rows.map((row) => row.name);
  }
}

function umzugLogger(log: Logger) {
  return {
    info: (o: Record<string, unknown>) => log.info(o, 'migration'),
    warn: (o: Record<string, unknown>) => log.warn(o, 'migration'),
    error: (o: Record<string, unknown>) => log.error(o, 'migration'),
    debug: (o: Record<string, unknown>) => log.debug(o, 'migration'),
  };
}

/**
 * Applies pending migrations in order, each in its own transaction together with its row in
 * schema_migrations. A session advisory lock serialises replicas that share a database: the
 * second one waits, then finds nothing left to do. Returns the names applied by this call.
 *
 * The embedded server (PGlite) is a single session, where the advisory lock excludes no one; it
 * runs each transaction alone instead. So each migration checks again, inside its transaction,
 * that no other replica recorded it in the meantime, and is skipped if one did.
 */
export async function runMigrations(
  pool: pg.Pool,
  o: { serviceName: string; migrations: readonly Migration[]; log: Logger },
): Promise<string[]> {
  const client = await pool.connect();
  let broken = false;
  try {
    await client.query('SELECT pg_advisory_lock($1, $2)', [LOCK_NAMESPACE, migrationLockKey(o.serviceName)]);
    try {
      await client.query(
        `CREATE TABLE IF NOT EXISTS ${MIGRATIONS_TABLE} (name text PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT clock_timestamp())`,
      );
      const storage = new TableStorage(client);
      const appliedElsewhere = new Set<string>();
      // Loaded here, not with the kit: umzug brings a command-line framework and a JSON-schema
      // validator (dozens of modules) that a service without a database never needs.
      // eslint-disable-next-line @typescript-eslint/no-require-imports -- loaded on use (see above)
      const { Umzug } = require('umzug') as typeof UmzugModule;
      const umzug = new Umzug<pg.PoolClient>({
        migrations: o.migrations.map((m) => ({
          name: m.name,
          async up({ context }) {
            if (await storage.isRecorded(m.name)) appliedElsewhere.add(m.name);
            else await m.up(context);
          },
        })),
        context: client,
        storage,
        logger: umzugLogger(o.log),
      });
      // umzug awaits these around `up` + `logMigration`, so both land in one transaction.
      umzug.on('migrating', async () => void (await client.query('BEGIN')));
      umzug.on('migrated', async () => void (await client.query('COMMIT')));
      try {
        const applied = await umzug.up();
        return applied.map((m) => m.name).filter((name) => !appliedElsewhere.has(name));
      } catch (error) {
        await client.query('ROLLBACK').catch(() => undefined);
        throw new MigrationFailedError(error);
      }
    } finally {
      await client.query('SELECT pg_advisory_unlock($1, $2)', [LOCK_NAMESPACE, migrationLockKey(o.serviceName)]);
    }
  } catch (error) {
    broken = true;
    throw error;
  } finally {
    // A client whose session may still hold the lock or a transaction is destroyed, not reused.
    client.release(broken);
  }
}

/** A migration failed; its transaction was rolled back and nothing after it ran. */
export class MigrationFailedError extends Error {
  readonly code = 'MIGRATION_FAILED';

  constructor(cause: unknown) {
    // umzug's message already names the migration and includes the original error's message.
    super(errorMessage(cause), { cause });
    this.name = 'MigrationFailedError';
  }
}
