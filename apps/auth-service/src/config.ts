import { z } from 'zod';
import { envInt } from '@lab/config';

/** auth-service's variables, on top of the service kit's base configuration. */
export const authConfig = z.object({
  ACCESS_TOKEN_TTL_SECONDS: envInt({ min: 1, max: 86_400, default: 900 }),
  REFRESH_TOKEN_TTL_SECONDS: envInt({ min: 60, max: 31_536_000, default: 604_800 }),
  /** PKCS8 PEM, P-256. Also read from JWT_PRIVATE_KEY_FILE. Absent: a key is generated and stored. */
  JWT_PRIVATE_KEY: z.string().min(1).optional(),
  ADMIN_EMAIL: z.string().trim().toLowerCase().max(254).pipe(z.email()).default('admin@example.com'),
  /** Required when NODE_ENV=production; elsewhere a development default applies. */
  ADMIN_PASSWORD: z.string().min(8).max(128).optional(),
});

export type AuthConfig = z.infer<typeof authConfig>;

export const DEVELOPMENT_ADMIN_PASSWORD = 'admin-dev-password';
