import type { HealthRegistry } from '@lab/health';
import express, { type Express, type RequestHandler } from 'express';
import { jsonBodyParser } from './json-body';
import type { Logger } from 'pino';
import { createErrorHandler, notFoundHandler } from './error-handler';
import type { HttpMetrics } from './metrics';
import { mountObservabilityRoutes } from './observability-routes';
import { requestIdMiddleware } from './request-id';
import { createRequestLogger } from './request-logger';

/**
 * The Express app. `req.ip` is the socket peer unless that peer is one of `trustedProxies`; then
 * it is the nearest address in X-Forwarded-For that is not a trusted proxy (a client cannot put
 * itself there by sending its own header through them).
 */
export function createApp(trustedProxies?: readonly string[]): Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', trustedProxies === undefined ? false : [...trustedProxies]);
  // Weak ETags hash every response body; services that want conditional requests set their own.
  app.set('etag', false);
  return app;
}

/**
 * Everything in front of a service's routes, in order: request id and context, the request log
 * line, the metrics timer, health and metrics endpoints, then the JSON body parser.
 */
export function mountBeforeRoutes(
  app: Express,
  o: {
    requestLog: Logger;
    metrics: HttpMetrics;
    health: HealthRegistry;
    healthDetails: () => Record<string, unknown>;
    /** express.json's limit, or undefined to leave bodies unread. */
    jsonBodyLimit: string | undefined;
    /** In front of /health/detailed and /metrics, when they must not be open. */
    operationalGuard?: RequestHandler;
  },
): void {
  app.use(requestIdMiddleware);
  app.use(createRequestLogger(o.requestLog));
  app.use(o.metrics.middleware);
  mountObservabilityRoutes(app, {
    health: o.health,
    metrics: o.metrics.registry,
    details: o.healthDetails,
    operationalGuard: o.operationalGuard,
  });
  if (o.jsonBodyLimit !== undefined) {
    app.use(jsonBodyParser(o.jsonBodyLimit));
  }
}

/** After the routes: whatever nothing matched is a 404 problem; every error becomes a problem. */
export function mountAfterRoutes(app: Express, log: Logger): void {
  app.use(notFoundHandler);
  app.use(createErrorHandler(log));
}
