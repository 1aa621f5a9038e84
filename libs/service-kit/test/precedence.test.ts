import { describeWithInfra, infra, waitFor } from '@lab/testing';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { z } from 'zod';
import { defineService, startService, type RunningService } from '../src';
import { quietLogger } from './support/example-service';

// Its own name, so that its keys in the shared test registry's KV store are its alone.
const NAME = `precedence-service-${process.pid}`;

const precedenceService = defineService({
  name: NAME,
  defaultPort: 3997,
  dynamicConfig: {
    schema: z.object({ greeting: z.object({ text: z.string().default('from-default') }).prefault({}) }),
    envMapping: { GREETING_TEXT: 'greeting.text' },
  },
  routes(ctx) {
    ctx.app.get('/greeting', (_req, res) => void res.json(ctx.configStore.current().greeting));
  },
});

// The order README's "Which value wins" promises: defaults < files < KV store < environment.
describeWithInfra(['consul'], 'which value wins, on a real KV store', () => {
  const consulUrl = infra('consul').url as string;
  let configDir: string;
  let service: RunningService | undefined;

  const putKv = async (key: string, value: string): Promise<void> => {
    const response = await fetch(`${consulUrl}/v1/kv/config/${NAME}/${key}`, { method: 'PUT', body: value });
    expect(response.status).toBe(200);
  };
  const start = (env: Record<string, string>): Promise<RunningService> =>
    startService(precedenceService, {
      env: {
        PORT: '0',
        DISCOVERY_BACKEND: 'consul',
        CONSUL_URL: consulUrl,
        CHECK_INTERVAL: '1s',
        CONFIG_DIR: configDir,
        INSTANCE_ID: `${NAME}-${Math.random().toString(16).slice(2, 8)}`,
        ...env,
      },
      logger: quietLogger,
    });
  const explain = () => (service as RunningService).ctx.configStore.explain();

  beforeAll(async () => {
    configDir = mkdtempSync(path.join(tmpdir(), 'precedence-'));
    mkdirSync(path.join(configDir, NAME));
    writeFileSync(path.join(configDir, NAME, 'default.yaml'), 'logLevel: warn\ngreeting: { text: from-file }\n');
    await putKv('logLevel', 'debug');
    await putKv('greeting/text', 'from-kv');
  });
  afterEach(async () => {
    await service?.stop();
    service = undefined;
  });
  afterAll(async () => {
    await fetch(`${consulUrl}/v1/kv/config/${NAME}?recurse`, { method: 'DELETE' });
    rmSync(configDir, { recursive: true, force: true });
  });

  it('the KV store beats the files, and a KV change applies while the service runs', async () => {
    service = await start({});
    expect(explain().logLevel).toEqual({ value: 'debug', source: 'kv' });
    expect(explain()['greeting.text']).toEqual({ value: 'from-kv', source: 'kv' });

    await putKv('logLevel', 'error');
    await waitFor(() => explain().logLevel.value === 'error', { timeoutMs: 3000, description: 'logLevel from KV' });
  });

  it('an environment variable beats the KV store and the files, and KV changes to it do not apply', async () => {
    service = await start({ LOG_LEVEL: 'warn', GREETING_TEXT: 'from-env' });
    expect(explain().logLevel).toEqual({ value: 'warn', source: 'env' });
    expect(await (await fetch(`${service.url}/greeting`)).json()).toEqual({ text: 'from-env' });

    // The KV store still reaches the running service (the status moves on), but not past the environment.
    const version = service.ctx.configStore.status().version;
    await putKv('logLevel', 'trace');
    await putKv('greeting/text', 'kv-again');
    await putKv('flags/probe', '{"enabled":true}');
    await waitFor(() => (service as RunningService).ctx.configStore.status().version > version, {
      timeoutMs: 3000,
      description: 'the flag from KV',
    });
    expect(explain().logLevel).toEqual({ value: 'warn', source: 'env' });
    expect(explain()['greeting.text']).toEqual({ value: 'from-env', source: 'env' });
  });
});
