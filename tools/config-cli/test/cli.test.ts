import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { KvSource } from '@lab/config';
import { startDevRegistry, type DevRegistry } from '@lab/dev-registry';
import { ConsulRegistry } from '@lab/discovery';
import { writeStackState } from '@lab/stack-state';
import { freePort, waitFor } from '@lab/testing';
import { runCli } from '../src/cli';

interface Run {
  code: number;
  out: string;
  err: string;
}

describe('config CLI against the dev registry', () => {
  let registry: DevRegistry;
  let dir: string;
  let client: ConsulRegistry;
  let kv: KvSource;

  beforeAll(async () => {
    registry = await startDevRegistry({ port: 0 });
    client = new ConsulRegistry({ url: registry.url });
    kv = client.kv;
  });
  afterAll(async () => {
    await client.close();
    await registry.close();
  });

  beforeEach(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'config-cli-'));
    write('shared/default.yaml', 'logLevel: info\n');
    write(
      'order-service/default.yaml',
      'logLevel: info\ncache:\n  ttlSeconds: 60\nflags:\n  bulk-discount:\n    enabled: false\n',
    );
    write('order-service/production.yaml', 'cache:\n  ttlSeconds: 300\n');
  });
  afterEach(async () => {
    rmSync(dir, { recursive: true, force: true });
    for (const key of (await kv.list('config/')).keys()) await kv.delete(key);
  });

  function write(file: string, text: string): void {
    mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
    writeFileSync(path.join(dir, file), text);
  }

  async function run(...argv: string[]): Promise<Run> {
    let out = '';
    let err = '';
    const code = await runCli(argv, {
      env: { CONSUL_URL: registry.url, CONFIG_DIR: dir },
      stdout: { write: (text: string) => (out += text) },
      stderr: { write: (text: string) => (err += text) },
    });
    return { code, out, err };
  }

  it('seeds every folder for the environment, flags as one JSON key, and is idempotent', async () => {
    const first = await run('seed', '--env', 'production');
    expect(first.code).toBe(0);
    expect(Object.fromEntries(await kv.list('config/'))).toEqual({
      'config/shared/logLevel': 'info',
      'config/order-service/logLevel': 'info',
      'config/order-service/cache/ttlSeconds': '300',
      'config/order-service/flags/bulk-discount': '{"enabled":false}',
    });
    expect(first.out).toContain('config/order-service/: 3 written, 0 unchanged');

    const second = await run('seed', '--env', 'production');
    expect(second).toEqual({
      code: 0,
      err: '',
      out: 'config/shared/: 0 written, 1 unchanged\nconfig/order-service/: 0 written, 3 unchanged\n',
    });
  });

  it('diff exits 0 when the KV store matches and 1 with each difference listed', async () => {
    await run('seed');
    expect(await run('diff')).toMatchObject({ code: 0, out: 'no differences\n' });

    await kv.put('config/order-service/cache/ttlSeconds', '5');
    await kv.put('config/order-service/extra', 'x');
    await kv.put('config/order-service/db/password', 'hunter2');
    await kv.delete('config/order-service/logLevel');
    // Formatting differences are not differences.
    await kv.put('config/order-service/flags/bulk-discount', '{ "enabled": false }');
    const result = await run('diff', '--service', 'order-service');
    expect(result.code).toBe(1);
    expect(result.out.split('\n')).toEqual([
      '~ config/order-service/cache/ttlSeconds: files 60, KV 5',
      '- config/order-service/db/password = [redacted]   (not in the files)',
      '- config/order-service/extra = x   (not in the files)',
      '+ config/order-service/logLevel = info   (not in the KV store)',
      '4 differences',
      '',
    ]);
  });

  it('seed --prune removes keys that are not in the files; without it they stay', async () => {
    await kv.put('config/order-service/old', '1');
    expect((await run('seed', '--service', 'order-service')).out).toContain(
      '1 only in the KV store (--prune removes them)',
    );
    expect((await kv.list('config/order-service/old')).size).toBe(1);
    const pruned = await run('seed', '--service', 'order-service', '--prune');
    expect(pruned.out).toContain('removed config/order-service/old');
    expect((await kv.list('config/order-service/old')).size).toBe(0);
  });

  it('set writes one validated key, get reads it back', async () => {
    const set = await run(
      'set',
      '--service',
      'order-service',
      'flags.bulk-discount',
      '{"enabled": true, "rolloutPercent": 25}',
    );
    expect(set).toMatchObject({
      code: 0,
      out: 'set config/order-service/flags/bulk-discount = {"enabled":true,"rolloutPercent":25}\n',
    });
    expect(await run('get', '--service', 'order-service', 'flags/bulk-discount')).toEqual({
      code: 0,
      out: '{"enabled":true,"rolloutPercent":25}\n',
      err: '',
    });
    expect(await run('get', '--service', 'order-service')).toMatchObject({
      code: 0,
      out: 'config/order-service/flags/bulk-discount = {"enabled":true,"rolloutPercent":25}\n',
    });
  });

  it('get of a key that is not set exits 1; bad input exits 2 and writes nothing', async () => {
    expect(await run('get', '--service', 'order-service', 'nope')).toEqual({
      code: 1,
      out: '',
      err: 'config/order-service/nope is not set\n',
    });
    const badFlag = await run('set', '--service', 'order-service', 'flags/bulk-discount', '{"enabled":"yes"}');
    expect(badFlag.code).toBe(2);
    expect(badFlag.err).toMatch(/must be a flag definition .*enabled/);
    expect((await kv.list('config/')).size).toBe(0);
    expect((await run('set', 'logLevel', 'debug')).err).toMatch(/set needs --service/);
    expect((await run('seed', '--backend', 'dns')).err).toMatch(/dns backend has no KV store/);
    expect((await run('seed', '--backend', 'eureka')).err).toMatch(/eureka backend has no KV store/);
    expect((await run('nonsense')).code).toBe(2);
  });

  it('refuses a JSON object at a key that holds settings (the keys beneath it would win), naming the keys to set', async () => {
    // Seeded one key per setting, as the services' KV layout has it: cache/ttlSeconds = 60.
    expect((await run('seed', '--service', 'order-service')).code).toBe(0);
    const before = await kv.list('config/');
    const refused = await run('set', '--service', 'order-service', 'cache', '{"ttlSeconds": 30, "prefix": "o:"}');
    expect(refused).toEqual({
      code: 2,
      out: '',
      err:
        'config: config/order-service/cache holds settings, one key each (a key beneath it wins over a JSON object' +
        ' here): set cache/ttlSeconds 30 and cache/prefix o: instead\nRun with --help for usage.\n',
    });
    expect(await kv.list('config/')).toEqual(before);
    // A flag is one value; so are a list and an empty object.
    expect((await run('set', '--service', 'order-service', 'flags/x', '{"enabled":true}')).code).toBe(0);
    expect((await run('set', '--service', 'order-service', 'tags', '[{"a":1}]')).code).toBe(0);
    expect((await run('set', '--service', 'order-service', 'flags', '{"x":{"enabled":false}}')).err).toMatch(
      /config\/order-service\/flags holds settings.*: set flags\/x '\{"enabled":false\}' instead/,
    );
  });

  it('on eureka, writes the Consul KV that EUREKA_CONFIG_KV_URL names (where eureka-backed services read)', async () => {
    let err = '';
    const code = await runCli(['set', '--service', 'order-service', 'logLevel', 'debug'], {
      env: { DISCOVERY_BACKEND: 'eureka', EUREKA_CONFIG_KV_URL: registry.url, CONFIG_DIR: dir },
      stdout: { write: () => undefined },
      stderr: { write: (text: string) => (err += text) },
    });
    expect({ code, err }).toEqual({ code: 0, err: '' });
    expect((await kv.list('config/order-service/')).get('config/order-service/logLevel')).toBe('debug');
  });

  it('reports a broken YAML file as a usage error without quoting it', async () => {
    write('order-service/default.yaml', 'token: abc-secret\nbad: [\n');
    const result = await run('seed', '--service', 'order-service');
    expect(result.code).toBe(2);
    expect(result.err).toMatch(/order-service\/default\.yaml: invalid YAML/);
    expect(result.err).not.toContain('abc-secret');
  });

  it('exits 2 with a clear message when the KV store cannot be reached or the environment is invalid', async () => {
    let err = '';
    const sink = { write: (text: string) => (err += text) };
    const stopped = await startDevRegistry({ port: 0 });
    await stopped.close();
    const unreachable = await runCli(['diff'], {
      env: { CONSUL_URL: stopped.url, CONFIG_DIR: dir },
      stdout: sink,
      stderr: sink,
    });
    expect(unreachable).toBe(2);
    expect(err).toBe(
      `config: cannot use the consul KV store at ${stopped.url}: consul GET /v1/kv/config/shared/ failed: ` +
        `connect ECONNREFUSED 127.0.0.1:${stopped.port}\n`,
    );

    err = '';
    const invalid = await runCli(['diff'], {
      env: { DISCOVERY_BACKEND: 'carrier-pigeon', CONFIG_DIR: dir },
      stdout: sink,
      stderr: sink,
    });
    expect(invalid).toBe(2);
    expect(err).toMatch(/DISCOVERY_BACKEND/);

    // The services' own checks: a client certificate without its key cannot be used.
    err = '';
    const pem = '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----';
    const halfTls = await runCli(['diff'], {
      env: { CONSUL_URL: registry.url, CONSUL_CERT: pem, CONFIG_DIR: dir },
      stdout: sink,
      stderr: sink,
    });
    expect({ halfTls, err }).toEqual({
      halfTls: 2,
      err: expect.stringMatching(
        /^config: Invalid configuration \(1 variable\):\n {2}CONSUL_KEY: required but not set\n$/,
      ),
    });
  });

  it('with --wait, keeps trying a store that starts later, says so, then seeds it', async () => {
    const port = await freePort();
    const url = `http://127.0.0.1:${port}`;
    let out = '';
    let err = '';
    const seeding = runCli(['seed', '--env', 'production', '--wait', '20s'], {
      env: { CONSUL_URL: url, CONFIG_DIR: dir },
      stdout: { write: (text: string) => (out += text) },
      stderr: { write: (text: string) => (err += text) },
    });
    await waitFor(() => err.includes('not reachable yet'), { timeoutMs: 5000, description: 'a first failed attempt' });
    const late = await startDevRegistry({ port, dnsPort: false });
    try {
      expect(await seeding).toBe(0);
      expect(err.split('\n')[0]).toMatch(
        /^config: the consul KV store at http:\/\/127\.0\.0\.1:\d+ is not reachable yet \(consul GET \/v1\/kv\/config\/shared\/ failed: connect ECONNREFUSED 127\.0\.0\.1:\d+\); trying again in 0\.5 s, for \d+(\.\d)? s more$/,
      );
      expect(out).toContain('wrote config/order-service/cache/ttlSeconds');
      const seeded = new ConsulRegistry({ url });
      expect((await seeded.kv.list('config/order-service/')).get('config/order-service/cache/ttlSeconds')).toBe('300');
      await seeded.close();
    } finally {
      await late.close();
    }
  });

  it('with --wait, gives up once the time is up and says how long it tried', async () => {
    const url = `http://127.0.0.1:${await freePort()}`;
    let err = '';
    const started = Date.now();
    const code = await runCli(['diff', '--wait', '1s'], {
      env: { CONSUL_URL: url, CONFIG_DIR: dir },
      stdout: { write: () => undefined },
      stderr: { write: (text: string) => (err += text) },
    });
    expect(code).toBe(2);
    expect(Date.now() - started).toBeGreaterThanOrEqual(1000);
    const lines = err.trim().split('\n');
    expect(lines.length).toBeGreaterThan(1);
    expect(lines.at(-1)).toBe(
      `config: cannot use the consul KV store at ${url}: consul GET /v1/kv/config/shared/ failed: ` +
        `connect ECONNREFUSED 127.0.0.1:${new URL(url).port} (still failing after --wait 1 s)`,
    );
  });

  it('works as built, through its exit codes (npm run config)', async () => {
    const main = path.join(__dirname, '..', 'dist', 'main.js');
    expect(existsSync(main)).toBe(true);
    // Asynchronous on purpose: the registry runs in this process and must keep answering.
    const node = (...argv: string[]) =>
      new Promise<{ status: number | null; stdout: string; stderr: string }>((resolve) => {
        execFile(
          process.execPath,
          [main, ...argv],
          { env: { ...process.env, CONSUL_URL: registry.url, CONFIG_DIR: dir } },
          (error, stdout, stderr) => resolve({ status: error ? (error.code as number) : 0, stdout, stderr }),
        );
      });
    const seeded = await node('seed');
    expect({ status: seeded.status, stderr: seeded.stderr }).toEqual({ status: 0, stderr: '' });
    const diff = await node('diff', '--env', 'production');
    expect(diff.status).toBe(1);
    expect(diff.stdout).toContain('~ config/order-service/cache/ttlSeconds: files 300, KV 60');
    expect((await node('get', '--service', 'order-service', 'missing')).status).toBe(1);
    expect((await node('--bogus')).status).toBe(2);
  });

  it("finds the running stack's registry in its state file when CONSUL_URL is not set", async () => {
    const stateFile = path.join(dir, 'state', 'state.json');
    writeStackState(stateFile, {
      version: 1,
      pid: process.pid,
      startedAt: new Date().toISOString(),
      gatewayUrl: 'http://127.0.0.1:1',
      registry: {
        backend: 'consul',
        address: registry.url,
        env: { DISCOVERY_BACKEND: 'consul', CONSUL_URL: registry.url },
      },
      adminTokenFile: path.join(dir, 'admin-token'),
      instances: [],
    });
    await kv.put('config/order-service/logLevel', 'debug');
    const io = (env: NodeJS.ProcessEnv) => {
      const out: string[] = [];
      return { out, io: { env, stdout: { write: (t: string) => out.push(t) }, stderr: { write: () => undefined } } };
    };
    const fromState = io({ DEV_STACK_STATE: stateFile, CONFIG_DIR: dir });
    expect(await runCli(['get', '--service', 'order-service', 'logLevel'], fromState.io)).toBe(0);
    expect(fromState.out.join('')).toBe('debug\n');

    // The environment wins over the state: a registry that does not answer is what it says.
    const overridden = io({
      DEV_STACK_STATE: stateFile,
      CONFIG_DIR: dir,
      CONSUL_URL: `http://127.0.0.1:${await freePort()}`,
    });
    expect(await runCli(['get', '--service', 'order-service', 'logLevel'], overridden.io)).toBe(2);
  });
});

describe('config CLI against a registry with ACLs', () => {
  it('writes with CONSUL_HTTP_TOKEN, as `npm start` prints it, and is refused without a token', async () => {
    const registry = await startDevRegistry({ port: 0, dnsPort: false, aclToken: 'management-token-for-cli' });
    const run = async (env: NodeJS.ProcessEnv) => {
      let err = '';
      const code = await runCli(['set', '--service', 'order-service', 'logLevel', 'debug'], {
        env: { CONSUL_URL: registry.url, ...env },
        stdout: { write: () => undefined },
        stderr: { write: (text: string) => (err += text) },
      });
      return { code, err };
    };
    try {
      const refused = await run({});
      expect(refused.code).toBe(2);
      expect(refused.err).toContain('403');
      expect((await run({ CONSUL_HTTP_TOKEN: 'management-token-for-cli' })).code).toBe(0);
      const stored = await fetch(`${registry.url}/v1/kv/config/order-service/logLevel?raw`, {
        headers: { 'x-consul-token': 'management-token-for-cli' },
      });
      expect(await stored.text()).toBe('debug');
    } finally {
      await registry.close();
    }
  });
});
