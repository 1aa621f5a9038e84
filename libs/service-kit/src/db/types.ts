/** What a migration (or a repository) needs from a connection: pg.Pool and pg.PoolClient both fit. */
export interface Queryable {
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  query<R = any>(sql: string, params?: unknown[]): Promise<{ rows: R[]; rowCount: number | null }>;
}

/** One schema change. Each runs in its own transaction and is recorded in `schema_migrations`. */
export interface Migration {
  name: string;
  up(db: Queryable): Promise<void>;
}
