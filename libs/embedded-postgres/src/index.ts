export { startEmbeddedPostgres, DEFAULT_MAX_CONNECTIONS } from './embedded-postgres';
export type { EmbeddedPostgres, EmbeddedPostgresOptions } from './embedded-postgres';
