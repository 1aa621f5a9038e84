import { MemoryRegistry } from '@lab/discovery';
import { z } from 'zod';
import { defineService, startService } from '../src';
import { exampleService, quietLogger } from './support/example-service';

function startWith(env: Record<string, string | undefined>) {
  return startService(exampleService, { env, registry: new MemoryRegistry(), logger: quietLogger });
}

describe('base configuration', () => {
  it('names every bad variable in one ConfigError', async () => {
    const error = await startWith({
      PORT: 'eighty',
      DISCOVERY_BACKEND: 'nacos',
      CHECK_INTERVAL: 'often',
      CONSUL_URL: 'not a url',
      DATABASE_POOL_MAX: '0',
      BODY_LIMIT: 'huge',
      LOG_LEVEL: 'loud',
      GREETING: undefined,
    }).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'CONFIG_INVALID' });
    const variables = (error as { issues: { variable: string }[] }).issues.map((i) => i.variable).sort();
    expect(variables).toEqual(
      [
        'BODY_LIMIT',
        'CHECK_INTERVAL',
        'CONSUL_URL',
        'DATABASE_POOL_MAX',
        'DISCOVERY_BACKEND',
        'LOG_LEVEL',
        'PORT',
      ].sort(),
    );
    for (const variable of variables) expect((error as Error).message).toContain(variable);
  });

  it('validates a service’s own variables together with the base ones', async () => {
    const strict = defineService({
      name: 'strict-service',
      defaultPort: 3995,
      config: z.object({ API_KEY: z.string().min(10) }),
      routes() {},
    });
    const error = await startService(strict, {
      env: { PORT: '-1' },
      registry: new MemoryRegistry(),
      logger: quietLogger,
    }).catch((e: unknown) => e);
    expect((error as { issues: { variable: string }[] }).issues.map((i) => i.variable).sort()).toEqual([
      'API_KEY',
      'PORT',
    ]);
  });

  it('fills in defaults and an instance id', async () => {
    const service = await startWith({ PORT: '0', DISCOVERY_BACKEND: 'memory' });
    try {
      const { config } = service.ctx;
      expect(config).toMatchObject({
        HOST: '127.0.0.1',
        SERVICE_ADDRESS: '127.0.0.1',
        LOG_LEVEL: 'info',
        CHECK_INTERVAL: 10_000,
        DEREGISTER_CRITICAL_AFTER: 60_000,
        DATABASE_POOL_MAX: 10,
        BODY_LIMIT: '100kb',
        SHUTDOWN_TIMEOUT_MS: 10_000,
        OUTBOUND_TIMEOUT_MS: 2000,
        JWT_ISSUER: 'auth-service',
        JWT_AUDIENCE: 'service-discovery-lab',
        GREETING: 'hello',
      });
      expect(config.INSTANCE_ID).toMatch(/^example-service-0-[0-9a-f]{4}$/);
      expect(service.ctx.instanceId).toBe(config.INSTANCE_ID);
    } finally {
      await service.stop();
    }
  });
});
