import { MemoryRegistry } from '@lab/discovery';
import type { RunningService } from '@lab/service-kit';
import { startService } from '@lab/service-kit';
import { exportPKCS8, generateKeyPair } from 'jose';
import { authService } from '../src/service';

export interface StartedAuth {
  service: RunningService;
  url: string;
  /** The signing keys it was given (JWT_PRIVATE_KEY), first the one that signs. */
  privateKeyPem: string | undefined;
  stop(): Promise<void>;
}

/** A fresh PKCS8 PEM private key on P-256, as deploy/generate-secrets.sh makes one. */
export async function newSigningKeyPem(): Promise<string> {
  const { privateKey } = await generateKeyPair('ES256', { extractable: true });
  return exportPKCS8(privateKey);
}

/**
 * auth-service in-process on a free port, against `databaseUrl`, registered in a memory registry,
 * with a signing key of its own unless `env` says otherwise (JWT_PRIVATE_KEY: '' for none at all).
 */
export async function startAuth(databaseUrl: string, env: Record<string, string> = {}): Promise<StartedAuth> {
  const registry = new MemoryRegistry();
  const privateKeyPem =
    'JWT_PRIVATE_KEY' in env || 'JWT_PRIVATE_KEY_FILE' in env ? env.JWT_PRIVATE_KEY : await newSigningKeyPem();
  const service = await startService(authService, {
    env: {
      DATABASE_URL: databaseUrl,
      PORT: '0',
      DISCOVERY_BACKEND: 'memory',
      LOG_LEVEL: 'silent',
      ...env,
      JWT_PRIVATE_KEY: privateKeyPem || undefined,
    },
    registry,
  });
  return {
    service,
    url: service.url,
    privateKeyPem: privateKeyPem || undefined,
    async stop() {
      await service.stop();
      await registry.close();
    },
  };
}

/** Every row the service owns, so a test can assert that a rejected request changed nothing. */
export async function snapshotTables(service: RunningService): Promise<Record<string, unknown[]>> {
  const db = service.ctx.db;
  const [users, tokens] = await Promise.all([
    db.query('SELECT * FROM users ORDER BY id'),
    db.query('SELECT * FROM refresh_tokens ORDER BY id'),
  ]);
  return { users: users.rows, refresh_tokens: tokens.rows };
}
