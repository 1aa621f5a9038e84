import { MemoryRegistry } from '@lab/discovery';
import { Router } from 'express';
import pino from 'pino';
import type { ServerResponse } from 'node:http';
import { Writable } from 'node:stream';
import { z } from 'zod';
import {
  BadRequest,
  defineService,
  parseBody,
  parseParams,
  parseQuery,
  startService,
  type RunningService,
} from '../../src';

/** A tiny service exercising what the kit offers: validation, problems, outbound calls, auth. */
export const exampleService = defineService({
  name: 'example-service',
  defaultPort: 3999,
  config: z.object({ GREETING: z.string().default('hello') }),
  dependencies: ['echo-service'],
  routes(ctx) {
    const { app } = ctx;
    const orderSchema = z.object({
      items: z.array(z.object({ productId: z.number().int().positive(), quantity: z.number().int().min(1) })).min(1),
    });
    app.post('/orders', (req, res) => {
      const order = parseBody(orderSchema, req);
      res.status(201).json({ items: order.items.length });
    });
    app.get('/items/:id', (req, res) => {
      const { id } = parseParams(z.object({ id: z.coerce.number().int().positive() }), req);
      const { verbose } = parseQuery(z.object({ verbose: z.enum(['true', 'false']).default('false') }), req);
      res.json({ id, verbose: verbose === 'true', greeting: ctx.config.GREETING });
    });
    const v2 = Router();
    v2.get('/things/:id', (_req, res) => void res.json({ ok: true }));
    app.use('/v2', v2);
    app.use('/passthrough', (_req, res) => {
      // Handlers mounted with app.use have no route template; they name themselves.
      res.locals.route = '/passthrough/*';
      res.json({ passed: true });
    });
    app.get('/slow', async (req, res) => {
      const { ms } = parseQuery(z.object({ ms: z.coerce.number().int().min(0).max(10_000) }), req);
      await new Promise((resolve) => setTimeout(resolve, ms));
      res.json({ waited: ms });
    });
    app.get('/boom', () => {
      throw new Error('database password=hunter2 leaked in a message');
    });
    app.get('/partial', (_req, res) => {
      res.writeHead(200, { 'content-type': 'text/plain' });
      res.write('half of a');
      throw new Error('failed mid-response');
    });
    app.get('/bad', () => {
      throw new BadRequest('nope');
    });
    app.get('/echo', async (_req, res) => {
      const upstream = await ctx.services.client('echo-service').get<{ requestId?: string }>('/echo');
      res.json({ upstreamSaw: upstream.body.requestId });
    });
    app.post('/echo', async (req, res) => {
      parseBody(z.object({ note: z.string() }), req);
      const upstream = await ctx.services.client('echo-service').get<{ requestId?: string }>('/echo');
      res.json({ upstreamSaw: upstream.body.requestId });
    });
    app.get('/me', ctx.auth.required, (req, res) => {
      res.json(req.user);
    });
    app.get('/admin', ctx.auth.requireRole('admin'), (req, res) => {
      res.json({ admin: req.user.id });
    });
    app.post('/internal', ctx.auth.requireService('order-service'), (req, res) => {
      res.json({ caller: req.callerService });
    });
  },
});

export interface CapturedLogs {
  logger: pino.Logger;
  lines(): Record<string, unknown>[];
}

/** A pino logger whose output the test can read back. */
export function captureLogs(level = 'info'): CapturedLogs {
  const lines: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, callback) {
      lines.push(...chunk.toString('utf8').split('\n').filter(Boolean));
      callback();
    },
  });
  return {
    logger: pino({ level }, stream),
    lines: () => lines.map((line) => JSON.parse(line) as Record<string, unknown>),
  };
}

export const quietLogger = pino({ level: 'silent' });

/** The env a test service runs with: a free port, fast checks, the memory registry. */
export function testEnv(extra: Record<string, string | undefined> = {}): Record<string, string | undefined> {
  return { PORT: '0', LOG_LEVEL: 'silent', DISCOVERY_BACKEND: 'memory', CHECK_INTERVAL: '1s', ...extra };
}

export async function startExample(
  o: { registry?: MemoryRegistry; env?: Record<string, string | undefined>; logger?: pino.Logger } = {},
): Promise<{ service: RunningService; registry: MemoryRegistry }> {
  const registry = o.registry ?? new MemoryRegistry();
  const service = await startService(exampleService, {
    env: testEnv(o.env),
    registry,
    logger: o.logger ?? quietLogger,
  });
  return { service, registry };
}

export function sendJson(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
}
