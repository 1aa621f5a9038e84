import { mkdirSync, mkdtempSync, renameSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { z } from 'zod';
import type { KvSource } from '../src';
import type { Logger } from '@lab/common';
import { ConfigError, createConfigStore, MemoryKv } from '../src';
import { waitFor } from '@lab/testing';

const schema = z.object({
  logLevel: z.enum(['debug', 'info', 'warn', 'error']).default('info'),
  cache: z.object({ ttlSeconds: z.number().int().min(1).default(60), prefix: z.string().default('p:') }).prefault({}),
  resilience: z
    .record(
      z.string(),
      z.object({ timeoutMs: z.number().int().positive(), retries: z.number().int().min(0).default(2) }),
    )
    .default({}),
  database: z.object({ password: z.coerce.string().optional(), url: z.string().optional() }).prefault({}),
  webhookSecret: z.string().optional(),
});

class RecordingLogger implements Logger {
  readonly lines: { level: string; obj: object; msg?: string }[] = [];
  debug = (obj: object, msg?: string) => void this.lines.push({ level: 'debug', obj, msg });
  info = (obj: object, msg?: string) => void this.lines.push({ level: 'info', obj, msg });
  warn = (obj: object, msg?: string) => void this.lines.push({ level: 'warn', obj, msg });
  error = (obj: object, msg?: string) => void this.lines.push({ level: 'error', obj, msg });
  text(): string {
    return JSON.stringify(this.lines);
  }
}

describe('createConfigStore', () => {
  let dir: string;
  const write = (file: string, text: string): void => {
    mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
    writeFileSync(path.join(dir, file), text);
  };
  beforeEach(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'config-store-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('layers defaults < files < shared KV < service KV < env, and explains where each value came from', async () => {
    write(
      'order-service/default.yaml',
      'logLevel: warn\ncache:\n  ttlSeconds: 30\nresilience:\n  product-service: { timeoutMs: 800 }\n',
    );
    write('order-service/production.yaml', 'cache:\n  ttlSeconds: 20\n');
    const kv = new MemoryKv({
      'config/shared/resilience/product-service/retries': '4',
      'config/shared/logLevel': 'debug',
      'config/order-service/logLevel': 'error',
      'config/order-service/cache/prefix': 'kv:',
    });
    const store = await createConfigStore({
      service: 'order-service',
      schema,
      configDir: dir,
      environment: 'production',
      // LOG_LEVEL is mapped but unset: the KV store decides the log level.
      envMapping: { CACHE_PREFIX: 'cache.prefix', LOG_LEVEL: 'logLevel' },
      env: { CACHE_PREFIX: 'orders:' },
      kv,
    });
    expect(store.current()).toEqual({
      logLevel: 'error',
      cache: { ttlSeconds: 20, prefix: 'orders:' },
      resilience: { 'product-service': { timeoutMs: 800, retries: 4 } },
      database: {},
    });
    expect(store.explain()).toEqual({
      logLevel: { value: 'error', source: 'kv' },
      'cache.ttlSeconds': { value: 20, source: 'file' },
      'cache.prefix': { value: 'orders:', source: 'env' },
      'resilience.product-service.timeoutMs': { value: 800, source: 'file' },
      'resilience.product-service.retries': { value: 4, source: 'kv' },
    });
    expect(store.status()).toMatchObject({ version: 1, rejections: 0, kv: { kind: 'memory', connected: true } });
    await store.close();
  });

  it('applies a valid KV change atomically and tells every subscriber which paths changed', async () => {
    const kv = new MemoryKv();
    const store = await createConfigStore({ service: 'svc', schema, configDir: dir, kv, env: {} });
    const first = store.current();
    const calls: [unknown, string[]][] = [];
    store.subscribe((next, changed) => calls.push([next, changed]));
    const unsubscribed = jest.fn();
    const unsubscribe = store.subscribe(unsubscribed);
    unsubscribe();

    await kv.put('config/svc/cache', JSON.stringify({ ttlSeconds: 5, prefix: 'x:' }));
    await waitFor(() => calls.length === 1, { intervalMs: 20 });
    expect(calls[0]).toEqual([store.current(), ['cache.prefix', 'cache.ttlSeconds']]);
    expect(store.current()).not.toBe(first);
    expect(first.cache.ttlSeconds).toBe(60);
    expect(Object.isFrozen(store.current().cache)).toBe(true);
    expect(store.status().version).toBe(2);
    expect(unsubscribed).not.toHaveBeenCalled();
    await store.close();
  });

  it('rejects a candidate that fails the schema: nothing changes, the rejection is logged without values, counted and kept', async () => {
    const kv = new MemoryKv({ 'config/svc/webhookSecret': 'wh-secret-value' });
    const logger = new RecordingLogger();
    const store = await createConfigStore({
      service: 'svc',
      schema,
      configDir: dir,
      kv,
      env: {},
      logger,
      secretPaths: ['webhookSecret'],
    });
    const listener = jest.fn();
    store.subscribe(listener);

    await kv.put('config/svc/database/password', 'db-secret-value');
    await waitFor(() => store.current().database.password === 'db-secret-value', { intervalMs: 20 });
    const before = store.current();
    const calls = listener.mock.calls.length;

    // One write that changes two settings, one of them invalid: neither may apply.
    await kv.put('config/svc/cache', JSON.stringify({ prefix: 'new:', ttlSeconds: 0 }));
    await waitFor(() => store.status().rejections === 1, { intervalMs: 20 });

    expect(store.current()).toBe(before);
    expect(store.current().cache).toEqual({ prefix: 'p:', ttlSeconds: 60 });
    expect(listener).toHaveBeenCalledTimes(calls);
    const status = store.status();
    expect(status.version).toBe(2);
    expect(status.lastRejection).toMatchObject({
      source: 'kv',
      issues: [{ path: 'cache.ttlSeconds', message: expect.any(String) }],
    });
    expect(status.lastRejection?.issues).toHaveLength(1);
    const warning = logger.lines.find((l) => l.level === 'warn');
    expect(warning?.msg).toMatch(/rejected/);
    expect(warning?.obj).toMatchObject({ source: 'kv', issues: status.lastRejection?.issues });
    expect(logger.text()).not.toMatch(/wh-secret-value|db-secret-value/);

    // The same bad candidate delivered again is not counted again; a different one is.
    await kv.put('config/svc/cache', JSON.stringify({ ttlSeconds: 0, prefix: 'new:' }));
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(store.status().rejections).toBe(1);
    // A valid change beside the bad key applies; the bad key stays refused (and is not counted again).
    await kv.put('config/svc/logLevel', 'debug');
    await waitFor(() => store.current().logLevel === 'debug', { intervalMs: 20 });
    expect(store.current().cache).toEqual({ prefix: 'p:', ttlSeconds: 60 });
    expect(store.status().rejections).toBe(1);

    await kv.put('config/svc/cache/ttlSeconds', '15');
    await waitFor(() => store.current().cache.ttlSeconds === 15, { intervalMs: 20 });
    expect(store.current()).toMatchObject({ logLevel: 'debug', cache: { prefix: 'new:', ttlSeconds: 15 } });
    expect(listener.mock.calls.at(-1)?.[1]).toEqual(['cache.prefix', 'cache.ttlSeconds']);
    await store.close();
  });

  it('keeps a setting an environment variable sets, whatever the KV store says, and says so once at start', async () => {
    write('svc/default.yaml', 'logLevel: warn\ncache: { ttlSeconds: 30 }\n');
    const kv = new MemoryKv({ 'config/svc/logLevel': 'error' });
    const logger = new RecordingLogger();
    const store = await createConfigStore({
      service: 'svc',
      schema,
      configDir: dir,
      kv,
      env: { LOG_LEVEL: 'debug' },
      envMapping: { LOG_LEVEL: 'logLevel' },
      logger,
    });
    expect(store.explain().logLevel).toEqual({ value: 'debug', source: 'env' });
    expect(logger.lines).toContainEqual(
      expect.objectContaining({ level: 'info', obj: expect.objectContaining({ pinned: { logLevel: 'LOG_LEVEL' } }) }),
    );

    // A KV change beside it applies; the pinned setting stays.
    await kv.put('config/svc/logLevel', 'warn');
    await kv.put('config/svc/cache/ttlSeconds', '15');
    await waitFor(() => store.current().cache.ttlSeconds === 15, { intervalMs: 20 });
    expect(store.current().logLevel).toBe('debug');
    expect(store.explain()['cache.ttlSeconds']).toEqual({ value: 15, source: 'kv' });
    await store.close();
  });

  it('ends a burst of changes at the last one, in order', async () => {
    const kv = new MemoryKv();
    const store = await createConfigStore({ service: 'svc', schema, configDir: dir, kv, env: {} });
    const seen: number[] = [];
    store.subscribe((next) => seen.push(next.cache.ttlSeconds));
    await Promise.all(Array.from({ length: 20 }, (_, i) => kv.put('config/svc/cache/ttlSeconds', String(i + 1))));
    await waitFor(() => store.current().cache.ttlSeconds === 20, { intervalMs: 20 });
    expect(seen.at(-1)).toBe(20);
    expect(seen).toEqual([...seen].sort((a, b) => a - b));
    await store.close();
  });

  it('redacts secrets in explain(): listed paths and below, NAME_FILE values, secret-looking names and URL passwords', async () => {
    const secretFile = path.join(dir, 'db-password');
    writeFileSync(secretFile, '12345\n');
    const kv = new MemoryKv({
      'config/svc/webhookSecret': 'wh',
      'config/svc/database/url': 'postgres://app:pw@db/app',
      'config/svc/resilience/x/timeoutMs': '5',
    });
    const store = await createConfigStore({
      service: 'svc',
      schema,
      configDir: dir,
      kv,
      env: { DB_PASSWORD_FILE: secretFile },
      envMapping: { DB_PASSWORD: 'database.password' },
      secretPaths: ['resilience'],
    });
    expect(store.current().database.password).toBe('12345');
    const explained = store.explain();
    expect(explained['database.password']).toEqual({ value: '[redacted]', source: 'env' });
    expect(explained.webhookSecret).toEqual({ value: '[redacted]', source: 'kv' });
    expect(explained['database.url']).toEqual({ value: 'postgres://app:[redacted]@db/app', source: 'kv' });
    expect(explained['resilience.x.timeoutMs'].value).toBe('[redacted]');
    expect(explained.logLevel).toEqual({ value: 'info', source: 'default' });
    await store.close();
  });

  it('refuses a bad key alone: the valid changes beside it apply, and the bad key keeps its last valid value', async () => {
    const kv = new MemoryKv({ 'config/svc/resilience/product-service/timeoutMs': '800' });
    const logger = new RecordingLogger();
    const store = await createConfigStore({ service: 'svc', schema, configDir: dir, kv, env: {}, logger });
    expect(store.current().resilience['product-service']?.timeoutMs).toBe(800);

    await kv.put('config/svc/resilience/product-service/timeoutMs', '-1');
    await kv.put('config/svc/logLevel', 'debug');
    await waitFor(() => store.current().logLevel === 'debug', { intervalMs: 20 });
    await waitFor(() => store.status().lastRejection !== undefined, { intervalMs: 20 });
    expect(store.current().resilience['product-service']?.timeoutMs).toBe(800);
    expect(store.status().lastRejection).toMatchObject({
      source: 'kv',
      keys: ['config/svc/resilience/product-service/timeoutMs'],
      issues: [{ path: 'resilience.product-service.timeoutMs' }],
    });
    const refusal = logger.lines.find((l) => l.level === 'warn');
    expect(refusal?.obj).toMatchObject({ source: 'kv', keys: ['config/svc/resilience/product-service/timeoutMs'] });
    expect(logger.lines.some((l) => l.msg === 'configuration change applied')).toBe(true);
    // Refused while it is still in the KV store, however many other changes apply beside it...
    expect(store.status().rejected).toBe(true);
    await kv.put('config/svc/cache/ttlSeconds', '30');
    await waitFor(() => store.current().cache.ttlSeconds === 30, { intervalMs: 20 });
    expect(store.status()).toMatchObject({ rejected: true, rejections: 1 });
    // ...and no longer once the value in force is written back, though nothing changes.
    const { version } = store.status();
    await kv.put('config/svc/resilience/product-service/timeoutMs', '800');
    await waitFor(() => !store.status().rejected, { intervalMs: 20 });
    expect(store.status()).toMatchObject({ version, rejections: 1 });
    await store.close();
  });

  it('refuses a value nested 20 000 levels deep under an unknown key without walking it, and still explains', async () => {
    const kv = new MemoryKv({});
    const store = await createConfigStore({
      service: 'svc',
      schema,
      configDir: dir,
      kv,
      env: {},
      logger: new RecordingLogger(),
    });
    const deep = '{"a":'.repeat(20_000) + '1' + '}'.repeat(20_000);
    await kv.put('config/svc/unknown', deep);
    await kv.put('config/svc/logLevel', 'warn');
    await waitFor(() => store.current().logLevel === 'warn', { intervalMs: 20 });
    await waitFor(() => store.status().lastRejection !== undefined, { intervalMs: 20 });
    expect(store.status().lastRejection).toMatchObject({ keys: ['config/svc/unknown'] });
    expect(store.status().lastRejection?.issues[0]?.message).toMatch(/deeper than 32 levels/);
    expect(() => store.explain()).not.toThrow();
    await store.close();
  });

  it('starts on files and env when the KV candidate is invalid, and reports the rejection', async () => {
    write('svc/default.yaml', 'logLevel: warn\n');
    const kv = new MemoryKv({ 'config/svc/logLevel': 'loud' });
    const store = await createConfigStore({ service: 'svc', schema, configDir: dir, kv, env: {} });
    expect(store.current().logLevel).toBe('warn');
    expect(store.status()).toMatchObject({
      version: 1,
      rejections: 1,
      lastRejection: { source: 'kv', issues: [{ path: 'logLevel' }] },
    });
    await kv.put('config/svc/logLevel', 'debug');
    await waitFor(() => store.current().logLevel === 'debug', { intervalMs: 20 });
    await store.close();
  });

  it('refuses to start when the files themselves are invalid, naming every setting', async () => {
    write('svc/default.yaml', 'logLevel: loud\ncache: { ttlSeconds: -1 }\n');
    const start = createConfigStore({ service: 'svc', schema, configDir: dir, env: {} });
    await expect(start).rejects.toThrow(ConfigError);
    await expect(start).rejects.toThrow(
      /Invalid configuration \(2 settings\):\n {2}logLevel: .*\n {2}cache\.ttlSeconds: /,
    );
  });

  it('refuses to start on a file that does not parse', async () => {
    write('svc/default.yaml', 'logLevel: [\n');
    await expect(createConfigStore({ service: 'svc', schema, configDir: dir, env: {} })).rejects.toThrow(
      /svc\/default\.yaml: invalid YAML/,
    );
  });

  it('rejects invalid flag definitions like any other setting, and evaluates valid ones', async () => {
    const kv = new MemoryKv({ 'config/svc/flags/bulk-discount': '{"enabled":true,"rolloutPercent":100}' });
    const store = await createConfigStore({ service: 'svc', schema, configDir: dir, kv, env: {} });
    const flags = store.flags();
    expect(flags.isEnabled('bulk-discount', { userId: 'u' })).toBe(true);
    await kv.put('config/svc/flags/bulk-discount', '{"enabled":true,"rolloutPercent":150}');
    await waitFor(() => store.status().rejections === 1, { intervalMs: 20 });
    expect(store.status().lastRejection?.issues).toEqual([
      { path: 'flags.bulk-discount.rolloutPercent', message: expect.any(String) },
    ]);
    expect(flags.isEnabled('bulk-discount', { userId: 'u' })).toBe(true);
    await kv.put('config/svc/flags/bulk-discount', '{"enabled":true,"killSwitch":true}');
    await waitFor(() => !flags.isEnabled('bulk-discount', { userId: 'u' }), { intervalMs: 20 });
    expect(store.explain()['flags.bulk-discount']).toEqual({
      value: { enabled: true, killSwitch: true },
      source: 'kv',
    });
    await store.close();
  });

  it('keeps calling the other subscribers when one throws, and stops after close()', async () => {
    const kv = new MemoryKv();
    const logger = new RecordingLogger();
    const store = await createConfigStore({ service: 'svc', schema, configDir: dir, kv, env: {}, logger });
    const good = jest.fn();
    store.subscribe(() => {
      throw new Error('listener bug');
    });
    store.subscribe(good);
    await kv.put('config/svc/logLevel', 'debug');
    await waitFor(() => good.mock.calls.length === 1, { intervalMs: 20 });
    expect(logger.lines.some((l) => l.level === 'error' && /listener threw/.test(l.msg ?? ''))).toBe(true);
    await store.close();
    await kv.put('config/svc/logLevel', 'warn');
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(good).toHaveBeenCalledTimes(1);
    expect(store.current().logLevel).toBe('debug');
  });

  it('starts without the KV store when it does not answer, and says so', async () => {
    const refused = async (): Promise<never> => {
      throw new Error('connection refused');
    };
    const unreachable: KvSource = {
      kind: 'consul',
      list: refused,
      put: refused,
      delete: refused,
      close: async () => undefined,
      watch: (_prefix, _onChange, onError) => {
        queueMicrotask(() => onError?.(new Error('connection refused')));
        return { close: () => undefined };
      },
    };
    const store = await createConfigStore({ service: 'svc', schema, configDir: dir, kv: unreachable, env: {} });
    expect(store.status().kv).toEqual({ kind: 'consul', connected: false });
    expect(store.current().logLevel).toBe('info');
    await store.close();
  });

  it('refuses service names that cannot be a folder and a KV prefix', async () => {
    await expect(createConfigStore({ service: '../etc', schema, env: {} })).rejects.toThrow(RangeError);
    await expect(createConfigStore({ service: 'shared', schema, env: {} })).rejects.toThrow(RangeError);
  });

  it('reads CONFIG_DIR and NODE_ENV from env', async () => {
    write('svc/staging.yaml', 'logLevel: debug\n');
    const store = await createConfigStore({ service: 'svc', schema, env: { CONFIG_DIR: dir, NODE_ENV: 'staging' } });
    expect(store.current().logLevel).toBe('debug');
    await store.close();
  });

  describe('file reload (watchFiles)', () => {
    it('applies an edited file', async () => {
      write('svc/default.yaml', 'logLevel: info\n');
      const store = await createConfigStore({
        service: 'svc',
        schema,
        configDir: dir,
        env: {},
        watchFiles: true,
        fileDebounceMs: 20,
      });
      const changes: string[][] = [];
      store.subscribe((_next, changed) => changes.push(changed));
      write('svc/default.yaml', 'logLevel: warn\n');
      await waitFor(() => store.current().logLevel === 'warn', { intervalMs: 20 });
      expect(changes).toEqual([['logLevel']]);
      expect(store.explain().logLevel.source).toBe('file');
      await store.close();
    });

    it('follows a Kubernetes ConfigMap update (the ..data symlink swapped) and rejects a broken file', async () => {
      // The layout kubelet writes: files are links into ..data, which links to a timestamped folder.
      const svcDir = path.join(dir, 'svc');
      mkdirSync(path.join(svcDir, '..v1'), { recursive: true });
      writeFileSync(path.join(svcDir, '..v1', 'default.yaml'), 'logLevel: info\n');
      symlinkSync('..v1', path.join(svcDir, '..data'));
      symlinkSync('..data/default.yaml', path.join(svcDir, 'default.yaml'));
      const logger = new RecordingLogger();
      const store = await createConfigStore({
        service: 'svc',
        schema,
        configDir: dir,
        env: {},
        watchFiles: true,
        fileDebounceMs: 20,
        logger,
      });
      const swap = (version: string, text: string): void => {
        mkdirSync(path.join(svcDir, version));
        writeFileSync(path.join(svcDir, version, 'default.yaml'), text);
        symlinkSync(version, path.join(svcDir, '..data_tmp'));
        renameSync(path.join(svcDir, '..data_tmp'), path.join(svcDir, '..data'));
      };

      swap('..v2', 'logLevel: error\ncache: { ttlSeconds: 5 }\n');
      await waitFor(() => store.current().logLevel === 'error', { intervalMs: 20 });
      expect(store.current().cache.ttlSeconds).toBe(5);

      swap('..v3', 'logLevel: [broken\n');
      await waitFor(() => store.status().rejections === 1, { intervalMs: 20 });
      expect(store.status().lastRejection).toMatchObject({ source: 'file', issues: [{ path: 'svc/default.yaml' }] });
      expect(store.current().logLevel).toBe('error');
      expect(store.status().rejected).toBe(true);

      swap('..v4', 'logLevel: debug\n');
      await waitFor(() => store.current().logLevel === 'debug', { intervalMs: 20 });
      expect(store.current().cache.ttlSeconds).toBe(60);
      expect(store.status().rejected).toBe(false);
      await store.close();
    });
  });
});
