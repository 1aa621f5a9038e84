import { createPrivateKey } from 'node:crypto';
import { z } from 'zod';
import { envInt } from '@lab/config';

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

/** auth-service's variables, on top of the service kit's base configuration. */
export const authConfig = z.object({
  REFRESH_TOKEN_TTL_SECONDS: envInt({ min: 60, max: 31_536_000, default: 604_800 }),
  /** PKCS8 PEM, P-256. Also read from JWT_PRIVATE_KEY_FILE. Absent: a key is generated and stored. */
  JWT_PRIVATE_KEY: z.string().refine(isP256Pkcs8Pem, 'expected a PKCS8 PEM private key on curve P-256').optional(),
  ADMIN_EMAIL: z.string().trim().toLowerCase().max(254).pipe(z.email()).default('admin@example.com'),
  /** Required when NODE_ENV=production; elsewhere a development default applies. */
  ADMIN_PASSWORD: z.string().min(8).max(128).optional(),
});

export type AuthConfig = z.infer<typeof authConfig>;

export const DEVELOPMENT_ADMIN_PASSWORD = 'admin-dev-password';
