import { createPrivateKey } from 'node:crypto';
import { z } from 'zod';
import { envInt } from '@lab/config';
import { redisConfigShape } from '@lab/service-kit';
import { serviceClientsSchema } from './service-clients';

/** True for a PKCS8 PEM ("BEGIN PRIVATE KEY") holding an EC key on P-256, the only kind ES256 signs with. */
function isP256Pkcs8Pem(text: string): boolean {
  if (!text.includes('-----BEGIN PRIVATE KEY-----')) return false;
  try {
    const key = createPrivateKey(text);
    return key.asymmetricKeyType === 'ec' && key.asymmetricKeyDetails?.namedCurve === 'prime256v1';
  } catch {
    return false;
  }
}

const PEM_BLOCK = /-----BEGIN ([A-Z ]+)-----[\s\S]*?-----END \1-----/g;

/**
 * One or more PKCS8 PEM private keys on P-256, one after the other: the first signs, every one is
 * published in the JWKS (the next key before it signs, the previous until its tokens expire).
 */
const signingKeysSchema = z.string().transform((text, ctx) => {
  const blocks = [...text.matchAll(PEM_BLOCK)].map(([pem]) => pem);
  if (blocks.length === 0) {
    ctx.addIssue({ code: 'custom', message: 'expected PKCS8 PEM private keys on curve P-256' });
    return z.NEVER;
  }
  const bad = blocks.findIndex((pem) => !isP256Pkcs8Pem(pem));
  if (bad !== -1) {
    ctx.addIssue({ code: 'custom', message: `key ${bad} is not a PKCS8 PEM private key on curve P-256` });
    return z.NEVER;
  }
  return blocks;
});

/** auth-service's variables, on top of the service kit's base configuration (which has the token TTLs). */
export const authConfig = z.object({
  REFRESH_TOKEN_TTL_SECONDS: envInt({ min: 60, max: 31_536_000, default: 604_800 }),
  /** Usually JWT_PRIVATE_KEY_FILE. Required in production; elsewhere a key is generated per process. */
  JWT_PRIVATE_KEY: signingKeysSchema.optional(),
  ADMIN_EMAIL: z.string().trim().toLowerCase().max(254).pipe(z.email()).default('admin@example.com'),
  /** Required when NODE_ENV=production; elsewhere a development default applies. */
  ADMIN_PASSWORD: z.string().min(8).max(128).optional(),
  /** The services that may get service tokens: JSON { name: secret }, usually SERVICE_CLIENT_SECRETS_FILE. */
  SERVICE_CLIENT_SECRETS: serviceClientsSchema.optional(),
  /** Failed logins per account per window, from anywhere; then 429 until the window ends. */
  LOGIN_MAX_FAILURES_PER_ACCOUNT: envInt({ min: 1, max: 10_000, default: 10 }),
  /** Failed logins per client address per window, over all accounts. */
  LOGIN_MAX_FAILURES_PER_ADDRESS: envInt({ min: 1, max: 100_000, default: 100 }),
  LOGIN_FAILURE_WINDOW_SECONDS: envInt({ min: 1, max: 86_400, default: 900 }),
  /** REDIS_URL: login counts shared by every replica; absent, each counts in memory. */
  ...redisConfigShape,
});

export type AuthConfig = z.infer<typeof authConfig>;

export const DEVELOPMENT_ADMIN_PASSWORD = 'admin-dev-password';
