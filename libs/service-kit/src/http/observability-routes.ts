import type { HealthRegistry, HealthResponse } from '@lab/health';
import type { Express, Request, RequestHandler, Response } from 'express';
import type { Registry } from 'prom-client';

function send(res: Response, health: HealthResponse): void {
  // Probes must see the current state, never a cached copy.
  res.status(health.status).set('cache-control', 'no-store').json(health.body);
}

/**
 * The probe endpoints (from the HealthRegistry) and the Prometheus scrape endpoint. `detailed` adds
 * what the service knows about its dependencies: instance caches and resilience policies.
 * `operationalGuard`, when given, stands in front of /health/detailed and /metrics (a service on a
 * public port keeps them behind the admin token); the probes stay open for orchestrators.
 */
export function mountObservabilityRoutes(
  app: Express,
  o: {
    health: HealthRegistry;
    metrics: Registry;
    details: () => Record<string, unknown>;
    operationalGuard?: RequestHandler;
  },
): void {
  const { health, metrics } = o;
  if (o.operationalGuard) app.use(['/health/detailed', '/metrics'], o.operationalGuard);
  app.get('/health', (_req: Request, res: Response) => send(res, health.summary()));
  app.get('/health/live', (_req: Request, res: Response) => send(res, health.live()));
  app.get('/health/ready', (_req: Request, res: Response) => send(res, health.ready()));
  app.get('/health/startup', (_req: Request, res: Response) => send(res, health.startup()));
  app.get('/health/detailed', (_req: Request, res: Response) => send(res, health.detailed(o.details())));
  app.get('/metrics', async (_req: Request, res: Response) => {
    const body = await metrics.metrics();
    res.set('content-type', metrics.contentType).set('cache-control', 'no-store').send(body);
  });
}
