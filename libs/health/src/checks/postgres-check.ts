import type { HealthCheck } from '../types';
import { defineCheck, type CheckOptions } from './options';

/** Anything with pg's `query(sql)`: a pg.Pool, a pg.Client, a PGlite-backed pool. */
export interface QueryablePool {
  query(sql: string): Promise<unknown>;
}

/**
 * Critical by default: a service that owns its data cannot serve without its database. The
 * query takes a pooled connection, so this also notices an exhausted pool.
 */
export function postgresCheck(pool: QueryablePool, options: CheckOptions = {}): HealthCheck {
  return defineCheck({ name: 'postgres', critical: true }, options, async () => {
    await pool.query('SELECT 1');
  });
}
