import type { NextFunction, Request, Response } from 'express';
import { Counter, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import { countAndDuration } from '../observability/count-and-duration';
import { requestStartTime } from './request-id';
import { routeLabel } from './route-label';

const LABELS = ['method', 'route', 'status'] as const;

/** Status codes as label strings, built once. */
const statusLabels: string[] = Array.from({ length: 600 }, (_, code) => String(code));

export interface HttpMetrics {
  registry: Registry;
  middleware(req: Request, res: Response, next: NextFunction): void;
  /** One served request; for handlers outside Express (see ctx.serveFirst). */
  record(method: string, route: string, statusCode: number, seconds: number): void;
}

/** One prom-client registry per service: default process metrics plus the HTTP RED metrics. */
export function createHttpMetrics(labels: Record<string, string>): HttpMetrics {
  const registry = new Registry();
  registry.setDefaultLabels(labels);
  collectDefaultMetrics({ register: registry });
  const requests = new Counter({
    name: 'http_requests_total',
    help: 'HTTP requests served, by method, route template and status',
    labelNames: LABELS,
    registers: [registry],
  });
  const duration = new Histogram({
    name: 'http_request_duration_seconds',
    help: 'HTTP request duration in seconds, by method, route template and status',
    labelNames: LABELS,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [registry],
  });

  const recordLabelled = countAndDuration(requests, duration);
  function record(method: string, route: string, statusCode: number, seconds: number): void {
    recordLabelled(method, route, statusLabels[statusCode] ?? String(statusCode), seconds);
  }

  // Hoisted: `this` is the response, so no closure is created per request.
  function onFinish(this: Response): void {
    const req = this.req;
    record(req.method, routeLabel(req, this), this.statusCode, (performance.now() - requestStartTime(req)) / 1000);
  }

  return {
    registry,
    record,
    middleware(_req, res, next) {
      res.once('finish', onFinish);
      next();
    },
  };
}
