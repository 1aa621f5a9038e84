import { MemoryRegistry } from '@lab/discovery';
import type { RunningService } from '@lab/service-kit';
import { startService } from '@lab/service-kit';
import { authService } from '../src/service';

export interface StartedAuth {
  service: RunningService;
  url: string;
  stop(): Promise<void>;
}

/** auth-service in-process on a free port, against `databaseUrl`, registered in a memory registry. */
export async function startAuth(databaseUrl: string, env: Record<string, string> = {}): Promise<StartedAuth> {
  const registry = new MemoryRegistry();
  const service = await startService(authService, {
    env: { DATABASE_URL: databaseUrl, PORT: '0', DISCOVERY_BACKEND: 'memory', LOG_LEVEL: 'silent', ...env },
    registry,
  });
  return {
    service,
    url: service.url,
    async stop() {
      await service.stop();
      await registry.close();
    },
  };
}

/** Every row the service owns, so a test can assert that a rejected request changed nothing. */
export async function snapshotTables(service: RunningService): Promise<Record<string, unknown[]>> {
  const db = service.ctx.db;
  const [users, tokens, keys] = await Promise.all([
    db.query('SELECT * FROM users ORDER BY id'),
    db.query('SELECT * FROM refresh_tokens ORDER BY id'),
    db.query('SELECT * FROM signing_keys ORDER BY id'),
  ]);
  return { users: users.rows, refresh_tokens: tokens.rows, signing_keys: keys.rows };
}
