import { envDuration } from '@lab/config';
import { z } from 'zod';

/** The services a stack of this repository runs: shown from the start, before the catalog is read. */
export const DEFAULT_SERVICES = [
  'gateway',
  'auth-service',
  'product-service',
  'inventory-service',
  'order-service',
  'dashboard',
];

const serviceName = z.string().regex(/^[a-z0-9][a-z0-9-]{0,62}$/, 'expected service names such as order-service');

/** The dashboard's own environment variables, on top of service-kit's base ones. */
export const dashboardConfig = z.object({
  /**
   * Required here: the dashboard shows and changes every service's configuration, so only a
   * holder of the stack's admin token may use it, and it reads /admin/config with the same token.
   */
  ADMIN_TOKEN: z.string().min(16, 'expected at least 16 characters (the stack’s admin token)'),
  /** Services to show even when the registry offers no catalog to list them (DNS, Kubernetes). */
  DASHBOARD_SERVICES: z
    .string()
    .default(DEFAULT_SERVICES.join(','))
    .transform((text) =>
      text
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean),
    )
    .pipe(z.array(serviceName).min(1, 'expected at least one service name')),
  /** How often each instance is asked for its health while a page is open; its metrics every other time. */
  DASHBOARD_REFRESH_INTERVAL: envDuration('500ms').pipe(
    z.number().min(100, 'at least 100ms').max(60_000, 'at most 1m'),
  ),
  /**
   * The token that may write config/ keys in the registry's KV store (the config tooling's), for
   * the flag and setting actions. Unset: the dashboard's own CONSUL_TOKEN.
   */
  DASHBOARD_CONFIG_TOKEN: z.string().min(1).optional(),
});

export type DashboardConfig = z.output<typeof dashboardConfig>;
