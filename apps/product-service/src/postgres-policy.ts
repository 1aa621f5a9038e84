import type { CallPolicy } from '@lab/resilience';
import { createCallPolicy } from '@lab/resilience';
import type { BaseConfig, Queryable } from '@lab/service-kit';
import type { ProductConfig } from './config';

export const POSTGRES_POLICY = 'postgres';

/** Used when the server enforces no statement timeout (DATABASE_STATEMENT_TIMEOUT_MS=0). */
const UNLIMITED_STATEMENT_TIMEOUT_MS = 30_000;

/**
 * The policy every product query runs through. A slow Postgres should cost callers a quick 503,
 * not a request parked in an unbounded queue: the bulkhead admits as many calls as the pool has
 * connections plus a short queue, and refuses the rest at once (BULKHEAD_FULL).
 *
 * The deadline sits just under the statement timeout: the caller hears TIMEOUT first, and the
 * server cancels the query soon after, which frees its connection (pg cannot abort a running query).
 * The breaker stays shut: a slow database sheds through the bulkhead instead of refusing every
 * request for a whole reset period, and an unreachable one already fails fast at connect time.
 */
export function createPostgresPolicy(config: BaseConfig & ProductConfig): CallPolicy {
  const maxConcurrent = config.DB_BULKHEAD_MAX_CONCURRENT ?? config.DATABASE_POOL_MAX;
  const statementTimeoutMs = config.DATABASE_STATEMENT_TIMEOUT_MS || UNLIMITED_STATEMENT_TIMEOUT_MS;
  return createCallPolicy(POSTGRES_POLICY, {
    bulkhead: { maxConcurrent, maxQueue: config.DB_BULKHEAD_QUEUE ?? 2 * maxConcurrent },
    timeoutMs: Math.max(1, Math.floor(statementTimeoutMs * 0.9)),
    // One retry rides out a dropped connection; only reads ask for it (see guardedQueries).
    retry: { maxAttempts: 2 },
    breaker: { errorThresholdPercentage: 100 },
    isFailure: () => false,
  });
}

/**
 * A Queryable whose queries run through `policy`. Reads may be repeated; a write is never retried,
 * since a lost reply does not mean the row was not written.
 */
export function guardedQueries(db: Queryable, policy: CallPolicy, kind: 'read' | 'write'): Queryable {
  const options = { idempotent: kind === 'read' };
  return {
    query: (sql, params) => policy.execute(() => db.query(sql, params), options),
  };
}
