import { MemoryKv } from '@lab/config';
import { MemoryRegistry } from '@lab/discovery';
import { z } from 'zod';
import { defineService, startService, type RunningService } from '../../src';
import { quietLogger, testEnv } from './example-service';

/** A service with live settings of its own, a flag-dependent route and one dependency. */
export const liveService = defineService({
  name: 'live-service',
  defaultPort: 3998,
  dependencies: ['echo-service'],
  dynamicConfig: {
    schema: z.object({
      greeting: z
        .object({ text: z.string().min(1).default('hello'), apiSecret: z.string().default('s3cret-default') })
        .prefault({}),
    }),
    envMapping: { GREETING_TEXT: 'greeting.text' },
    secretPaths: ['greeting.apiSecret'],
  },
  routes(ctx) {
    ctx.app.get('/greeting', (req, res) => {
      const shout = ctx.flags.isEnabled('shout', { userId: String(req.query.user ?? ''), role: 'customer' });
      const { text } = ctx.configStore.current().greeting;
      res.json({ text: shout ? text.toUpperCase() : text });
    });
    ctx.app.get('/echo', async (_req, res) => {
      const upstream = await ctx.services.client('echo-service').get('/echo');
      res.json(upstream.body);
    });
  },
});

export interface LiveHarness {
  service: RunningService;
  registry: MemoryRegistry;
  kv: MemoryKv;
  url: string;
  get(path: string, headers?: Record<string, string>): Promise<Response>;
  json<T = Record<string, unknown>>(path: string, headers?: Record<string, string>): Promise<T>;
  /** Writes `config/live-service/<key>` in the KV store. */
  set(key: string, value: unknown): Promise<void>;
}

export async function startLive(env: Record<string, string | undefined> = {}): Promise<LiveHarness> {
  const registry = new MemoryRegistry();
  const kv = new MemoryKv();
  const service = await startService(liveService, { env: testEnv(env), registry, kv, logger: quietLogger });
  const get = (path: string, headers: Record<string, string> = {}) => fetch(`${service.url}${path}`, { headers });
  return {
    service,
    registry,
    kv,
    url: service.url,
    get,
    async json<T>(path: string, headers?: Record<string, string>) {
      return (await (await get(path, headers)).json()) as T;
    },
    set: (key, value) =>
      kv.put(`config/live-service/${key}`, typeof value === 'string' ? value : JSON.stringify(value)),
  };
}
