import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { z } from 'zod';
import { ConfigError } from './config-error';
import { loadConfig } from './load-config';
import { envBool, envDuration, envEnum, envInt, envPort, envUrl } from './index';

const schema = z.object({
  PORT: envPort(3000),
  HOST: z.string().default('127.0.0.1'),
  DEBUG: envBool(false),
  POOL_MAX: envInt({ min: 1, max: 100, default: 10 }),
  CHECK_INTERVAL: envDuration('10s'),
  DISCOVERY_BACKEND: envEnum(['consul', 'memory'], 'consul'),
  CONSUL_URL: envUrl({ protocols: ['http:', 'https:'], default: 'http://127.0.0.1:8500' }),
  CONSUL_TOKEN: z.string().optional(),
});

function configError(run: () => unknown): ConfigError {
  try {
    run();
  } catch (error) {
    if (error instanceof ConfigError) return error;
    throw error;
  }
  throw new Error('expected a ConfigError');
}

describe('loadConfig', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'config-test-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('applies every default when the environment is empty', () => {
    const config = loadConfig(schema, {});
    expect(config).toEqual({
      PORT: 3000,
      HOST: '127.0.0.1',
      DEBUG: false,
      POOL_MAX: 10,
      CHECK_INTERVAL: 10_000,
      DISCOVERY_BACKEND: 'consul',
      CONSUL_URL: 'http://127.0.0.1:8500',
      CONSUL_TOKEN: undefined,
    });
  });

  it('lets the environment override defaults, and types the result', () => {
    const config = loadConfig(schema, {
      PORT: '8080',
      DEBUG: 'yes',
      CHECK_INTERVAL: '2s',
      DISCOVERY_BACKEND: 'memory',
    });
    const port: number = config.PORT;
    const backend: 'consul' | 'memory' = config.DISCOVERY_BACKEND;
    expect([port, config.DEBUG, config.CHECK_INTERVAL, backend]).toEqual([8080, true, 2000, 'memory']);
  });

  it('treats empty strings as unset, so defaults still apply', () => {
    expect(loadConfig(schema, { PORT: '', HOST: '' })).toMatchObject({ PORT: 3000, HOST: '127.0.0.1' });
  });

  it('reads NAME_FILE when NAME is unset, dropping one trailing newline', () => {
    const file = join(dir, 'consul-token');
    writeFileSync(file, 'from-file-token\n');
    expect(loadConfig(schema, { CONSUL_TOKEN_FILE: file }).CONSUL_TOKEN).toBe('from-file-token');
  });

  it('prefers NAME over NAME_FILE when both are set', () => {
    const file = join(dir, 'port');
    writeFileSync(file, '9999');
    expect(loadConfig(schema, { PORT: '4000', PORT_FILE: file }).PORT).toBe(4000);
  });

  it('reports an unreadable NAME_FILE against NAME_FILE, once', () => {
    const missing = join(dir, 'does-not-exist');
    const error = configError(() => loadConfig(z.object({ API_KEY: z.string() }), { API_KEY_FILE: missing }));
    expect(error.issues).toEqual([{ variable: 'API_KEY_FILE', message: `cannot read file "${missing}" (ENOENT)` }]);
  });

  it('names every offending variable in one error, each on its own line', () => {
    const error = configError(() =>
      loadConfig(schema.extend({ DATABASE_URL: z.string() }), {
        PORT: 'abc',
        DEBUG: 'maybe',
        CONSUL_URL: 'ftp://x',
        POOL_MAX: '0',
      }),
    );
    expect(error.code).toBe('CONFIG_INVALID');
    expect(error.issues.map((i) => i.variable).sort()).toEqual([
      'CONSUL_URL',
      'DATABASE_URL',
      'DEBUG',
      'POOL_MAX',
      'PORT',
    ]);
    const lines = error.message.split('\n');
    expect(lines[0]).toBe('Invalid configuration (5 variables):');
    expect(lines).toContain('  PORT: expected an integer 0..65535, got "abc"');
    expect(lines).toContain('  DEBUG: expected one of true, false, 1, 0, yes, no, got "maybe"');
    expect(lines).toContain('  DATABASE_URL: required but not set');
    expect(lines).toHaveLength(6);
  });

  it('never puts a secret value in the message or the issues', () => {
    const tokenFile = join(dir, 'bad-port');
    writeFileSync(tokenFile, 'file-secret-value');
    const secretSchema = z.object({
      JWT_SIGNING_KEY: z.string().min(32),
      DB_PASSWORD: z.string().min(12),
      DATABASE_URL: envUrl({ protocols: ['postgres:'] }),
      ADMIN_PORT: envPort(),
      WEBHOOK: z.string().min(99),
    });
    const error = configError(() =>
      loadConfig(
        secretSchema,
        {
          JWT_SIGNING_KEY: 'short-key-value',
          DB_PASSWORD: 'hunter2',
          DATABASE_URL: 'mysql://app:url-password@db/app',
          ADMIN_PORT_FILE: tokenFile,
          WEBHOOK: 'marked-secret-value',
        },
        { secretKeys: ['WEBHOOK'] },
      ),
    );
    const everything = JSON.stringify({ message: error.message, issues: error.issues });
    for (const secret of ['short-key-value', 'hunter2', 'url-password', 'file-secret-value', 'marked-secret-value']) {
      expect(everything).not.toContain(secret);
    }
    expect(error.issues).toHaveLength(5);
  });

  it('accepts a schema with a transform around the object', () => {
    const derived = schema.transform((c) => ({ ...c, url: `http://${c.HOST}:${c.PORT}` }));
    expect(loadConfig(derived, { PORT: '1234' }).url).toBe('http://127.0.0.1:1234');
  });

  it('refuses a schema that is not an object of variables', () => {
    expect(() => loadConfig(z.string(), {})).toThrow(TypeError);
  });

  it('reads process.env by default', () => {
    process.env.LOAD_CONFIG_TEST_VALUE = '42';
    try {
      expect(loadConfig(z.object({ LOAD_CONFIG_TEST_VALUE: envInt() })).LOAD_CONFIG_TEST_VALUE).toBe(42);
    } finally {
      delete process.env.LOAD_CONFIG_TEST_VALUE;
    }
  });
});
