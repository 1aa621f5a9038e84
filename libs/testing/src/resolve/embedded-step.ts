import { startDevRegistry } from '@lab/dev-registry';
import { startEmbeddedPostgres } from '@lab/embedded-postgres';
import type { StepRunner } from './types';

/** Embedded Postgres accepts this many connections at once; every test worker shares it. */
export const EMBEDDED_POSTGRES_MAX_CONNECTIONS = 50;

/** Step 4 for Postgres: PGlite in this process, behind a wire-protocol socket. */
export function embeddedPostgresStep(): StepRunner {
  return async () => {
    const db = await startEmbeddedPostgres({ port: 0, maxConnections: EMBEDDED_POSTGRES_MAX_CONNECTIONS });
    return { url: db.url, stop: db.close };
  };
}

/** Step 4 for Consul: the dev registry, which speaks the part of Consul's HTTP API the project uses. */
export function embeddedConsulStep(): StepRunner {
  return async () => {
    const registry = await startDevRegistry({ port: 0 });
    return { url: registry.url, stop: registry.close };
  };
}
