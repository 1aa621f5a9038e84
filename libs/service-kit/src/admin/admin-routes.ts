import type { Express, Request, Response } from 'express';
import { adminTokenGuard } from './admin-token';

/**
 * Operator endpoints behind ADMIN_TOKEN. GET /admin/config: every live setting with the layer it
 * came from (secrets redacted), the store's status (version, rejections, KV connection), and the
 * start-up settings from the environment (secrets redacted).
 */
export function mountAdminRoutes(
  app: Express,
  o: { token: string | undefined; configReport: () => Record<string, unknown> },
): void {
  const guard = adminTokenGuard(o.token);
  app.get('/admin/config', guard, (_req: Request, res: Response) => {
    res.set('cache-control', 'no-store').json(o.configReport());
  });
}
