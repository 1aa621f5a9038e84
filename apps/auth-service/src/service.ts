import { ConfigError } from '@lab/config';
import type { ServiceContext } from '@lab/service-kit';
import { defineService } from '@lab/service-kit';
import { AccessTokenIssuer } from './access-token-issuer';
import { seedAdmin } from './admin-seed';
import type { AuthConfig } from './config';
import { DEVELOPMENT_ADMIN_PASSWORD, authConfig } from './config';
import { migrations } from './migrations';
import { DummyPasswordHash } from './passwords';
import { registerAuthRoutes } from './routes/auth-routes';
import { registerJwksRoutes } from './routes/jwks-routes';
import { Sessions } from './sessions';
import type { SigningKey } from './signing-key';
import { generateSigningKeyPem, signingKeyFromPem } from './signing-key';
import { loadOrCreateSigningKey } from './signing-key-repository';

type AuthContext = ServiceContext<AuthConfig>;

function adminPassword(config: AuthContext['config']): string {
  if (config.ADMIN_PASSWORD) return config.ADMIN_PASSWORD;
  if (config.NODE_ENV === 'production') {
    throw new ConfigError([{ variable: 'ADMIN_PASSWORD', message: 'required when NODE_ENV=production' }]);
  }
  return DEVELOPMENT_ADMIN_PASSWORD;
}

/** The configured key (validated with the configuration), or the one stored in the database. */
async function signingKey(ctx: AuthContext): Promise<SigningKey> {
  const configured = ctx.config.JWT_PRIVATE_KEY;
  if (configured !== undefined) return signingKeyFromPem(configured);
  // The first replica to start generates it; the others read the stored one.
  return signingKeyFromPem(await loadOrCreateSigningKey(ctx.db, generateSigningKeyPem));
}

export const authService = defineService({
  name: 'auth-service',
  defaultPort: 3001,
  config: authConfig,
  database: { migrations },
  async routes(ctx) {
    const admin = { email: ctx.config.ADMIN_EMAIL, password: adminPassword(ctx.config) };
    const key = await signingKey(ctx);
    const issuer = new AccessTokenIssuer(key, {
      issuer: ctx.config.JWT_ISSUER,
      audience: ctx.config.JWT_AUDIENCE,
      ttlSeconds: ctx.config.ACCESS_TOKEN_TTL_SECONDS,
    });
    // Tokens this service issued are verified against its own key, without a network hop.
    ctx.auth.jwksOverride = async () => issuer.jwks();

    const seeded = await seedAdmin(ctx.db, admin);
    ctx.log.info({ kid: key.kid, admin: admin.email, seeded }, 'signing key loaded');

    const dummyHash = new DummyPasswordHash();
    await dummyHash.value(); // made now, so the first login with an unknown email is not the slow one
    const sessions = new Sessions({
      pool: ctx.db,
      issuer,
      refreshTtlSeconds: ctx.config.REFRESH_TOKEN_TTL_SECONDS,
      dummyHash,
      log: ctx.log,
    });
    registerJwksRoutes(ctx.app, issuer);
    registerAuthRoutes(ctx.app, { db: ctx.db, sessions, requireUser: ctx.auth.required });
  },
});
