import { ConfigError } from '@lab/config';
import type { ServiceContext } from '@lab/service-kit';
import { connectRedis, defineService } from '@lab/service-kit';
import { seedAdmin } from './admin-seed';
import type { AuthConfig } from './config';
import { DEVELOPMENT_ADMIN_PASSWORD, authConfig } from './config';
import { migrations } from './migrations';
import { LoginThrottle } from './login-throttle';
import { DummyPasswordHash } from './passwords';
import { registerAuthRoutes } from './routes/auth-routes';
import { registerJwksRoutes } from './routes/jwks-routes';
import { registerTokenRoutes } from './routes/token-routes';
import { ServiceClients } from './service-clients';
import { Sessions } from './sessions';
import type { SigningKey } from './signing-key';
import { generateSigningKeyPem, signingKeyFromPem } from './signing-key';
import { TokenIssuer } from './token-issuer';

type AuthContext = ServiceContext<AuthConfig>;

function adminPassword(config: AuthContext['config']): string {
  if (config.ADMIN_PASSWORD) return config.ADMIN_PASSWORD;
  if (config.NODE_ENV === 'production') {
    throw new ConfigError([{ variable: 'ADMIN_PASSWORD', message: 'required when NODE_ENV=production' }]);
  }
  return DEVELOPMENT_ADMIN_PASSWORD;
}

/**
 * The configured keys (validated with the configuration), first the one that signs. Outside
 * production a missing key is generated for this process alone: its tokens verify nowhere else,
 * which is safe, and says so in the log.
 */
async function signingKeys(ctx: AuthContext): Promise<SigningKey[]> {
  const configured = ctx.config.JWT_PRIVATE_KEY;
  if (configured !== undefined) return Promise.all(configured.map(signingKeyFromPem));
  if (ctx.config.NODE_ENV === 'production') {
    throw new ConfigError([{ variable: 'JWT_PRIVATE_KEY', message: 'required when NODE_ENV=production' }]);
  }
  ctx.log.warn(
    'JWT_PRIVATE_KEY is not set: signing with a key made for this process only, which no other service or replica trusts',
  );
  return [await signingKeyFromPem(await generateSigningKeyPem())];
}

export const authService = defineService({
  name: 'auth-service',
  defaultPort: 3001,
  config: authConfig,
  database: { migrations },
  async routes(ctx) {
    const admin = { email: ctx.config.ADMIN_EMAIL, password: adminPassword(ctx.config) };
    const keys = await signingKeys(ctx);
    const issuer = new TokenIssuer(keys, {
      issuer: ctx.config.JWT_ISSUER,
      audience: ctx.config.JWT_AUDIENCE,
      accessTtlSeconds: ctx.config.ACCESS_TOKEN_TTL_SECONDS,
      serviceTtlSeconds: ctx.config.SERVICE_TOKEN_TTL_SECONDS,
    });
    // Tokens this service issued are verified against its own key, without a network hop.
    ctx.auth.jwksOverride = async () => issuer.jwks();

    const seeded = await seedAdmin(ctx.db, admin);
    ctx.log.info(
      { kid: issuer.currentKid, published: keys.map((key) => key.kid), admin: admin.email, seeded },
      'signing keys loaded',
    );

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
    const clients = new ServiceClients(ctx.config.SERVICE_CLIENT_SECRETS);
    if (clients.size === 0) ctx.log.info('SERVICE_CLIENT_SECRETS not set: no service can get a service token');
    registerTokenRoutes(ctx.app, { clients, issuer, userAudience: ctx.config.JWT_AUDIENCE });
    const redis = await connectRedis(ctx, {
      withoutRedis: 'login attempts are counted in memory, per instance',
      whileUnreachable: 'login attempts are counted in memory until it is',
    });
    const throttle = new LoginThrottle(
      {
        perAccount: ctx.config.LOGIN_MAX_FAILURES_PER_ACCOUNT,
        perAddress: ctx.config.LOGIN_MAX_FAILURES_PER_ADDRESS,
        windowSeconds: ctx.config.LOGIN_FAILURE_WINDOW_SECONDS,
      },
      redis,
    );
    registerAuthRoutes(ctx.app, { db: ctx.db, sessions, throttle, requireUser: ctx.auth.required, log: ctx.log });
  },
});
