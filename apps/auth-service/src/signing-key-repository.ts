import type { Queryable } from '@lab/service-kit';

/** The one row every replica reads; its id is fixed so concurrent first starts converge on one key. */
const CURRENT_KEY_ID = 'current';

async function findCurrentKey(db: Queryable): Promise<string | undefined> {
  const { rows } = await db.query<{ private_key_pem: string }>(
    'SELECT private_key_pem FROM signing_keys WHERE id = $1',
    [CURRENT_KEY_ID],
  );
  return rows[0]?.private_key_pem;
}

/**
 * Returns the stored signing key, creating it first when the table is empty. Replicas starting
 * together may each generate a candidate; ON CONFLICT lets exactly one insert win and every
 * replica then reads that winner.
 */
export async function loadOrCreateSigningKey(db: Queryable, generatePem: () => Promise<string>): Promise<string> {
  const existing = await findCurrentKey(db);
  if (existing) return existing;
  await db.query('INSERT INTO signing_keys (id, private_key_pem) VALUES ($1, $2) ON CONFLICT (id) DO NOTHING', [
    CURRENT_KEY_ID,
    await generatePem(),
  ]);
  const stored = await findCurrentKey(db);
  if (!stored) throw new Error('signing key vanished right after it was stored');
  return stored;
}
