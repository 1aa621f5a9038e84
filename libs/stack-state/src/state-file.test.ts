import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

import {
  environmentOver,
  exportLines,
  findStackState,
  removeStackState,
  stackStatePath,
  StackStateError,
  toolEnvironment,
  writeStackSecret,
  writeStackState,
  type StackState,
} from './index';

const state = (pid = process.pid): StackState => ({
  version: 1,
  pid,
  startedAt: new Date(0).toISOString(),
  gatewayUrl: 'http://127.0.0.1:18080',
  dashboardUrl: 'http://127.0.0.1:18090',
  registry: {
    backend: 'consul',
    address: 'http://127.0.0.1:18500',
    env: { DISCOVERY_BACKEND: 'consul', CONSUL_URL: 'http://127.0.0.1:18500' },
    uiUrl: 'http://127.0.0.1:18500/ui/',
    dnsPort: 18600,
  },
  adminTokenFile: '/tmp/admin-token',
  instances: [{ id: 'order-service-1', service: 'order-service', port: 13004, url: 'http://127.0.0.1:13004', pid }],
});

describe('the stack state file', () => {
  let dir: string;
  let env: NodeJS.ProcessEnv;
  beforeEach(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'stack-state-'));
    env = { DEV_STACK_STATE: path.join(dir, 'nested', 'state.json') };
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('is found where DEV_STACK_STATE says, else under .dev-stack at the repository root', () => {
    expect(stackStatePath(env)).toBe(path.join(dir, 'nested', 'state.json'));
    expect(stackStatePath({})).toBe(path.resolve(__dirname, '../../..', '.dev-stack', 'state.json'));
  });

  it('reads back what was written, readable by its owner only, while the writer runs', () => {
    writeStackState(stackStatePath(env), state());
    expect(statSync(stackStatePath(env)).mode & 0o777).toBe(0o600);
    expect(findStackState(env)).toEqual({ kind: 'found', file: stackStatePath(env), state: state() });
  });

  it('is stale once the process that wrote it is gone, and missing when there is none', () => {
    expect(findStackState(env).kind).toBe('missing');
    const gone = spawnSync(process.execPath, ['-e', '0']).pid;
    writeStackState(stackStatePath(env), state(gone));
    expect(findStackState(env)).toMatchObject({ kind: 'stale', state: { pid: gone } });
    expect(toolEnvironment(env).state).toBeUndefined();
  });

  it('refuses a file that is not a stack state, naming the file and the field', () => {
    writeStackState(stackStatePath(env), state());
    const broken = { ...state(), gatewayUrl: 'not a url' };
    writeFileSync(stackStatePath(env), JSON.stringify(broken));
    expect(() => findStackState(env)).toThrow(StackStateError);
    expect(() => findStackState(env)).toThrow(/state\.json.*gatewayUrl/);
  });

  it('is removed by its writer only: a stack started since keeps its own', () => {
    writeStackState(stackStatePath(env), state());
    removeStackState(stackStatePath(env), process.pid + 1);
    expect(findStackState(env).kind).toBe('found');
    removeStackState(stackStatePath(env), process.pid);
    expect(findStackState(env).kind).toBe('missing');
  });

  it('keeps a secret in a file of its own, mode 0600', () => {
    const file = writeStackSecret(path.join(dir, 'admin-token'), 'secret-value');
    expect(readFileSync(file, 'utf8').trim()).toBe('secret-value');
    expect(statSync(file).mode & 0o777).toBe(0o600);
  });
});

describe('the variables a second shell needs', () => {
  it('fill in what the shell does not set; what it sets (not empty) wins', () => {
    const merged = environmentOver(
      { ...state(), registry: { ...state().registry, token: 'registry-token' } },
      { CONSUL_URL: 'http://elsewhere:8500', GW: '', PATH: '/bin' },
    );
    expect(merged).toMatchObject({
      CONSUL_URL: 'http://elsewhere:8500',
      CONSUL_HTTP_ADDR: 'http://127.0.0.1:18500',
      CONSUL_HTTP_TOKEN: 'registry-token',
      CONSUL_TOKEN: 'registry-token',
      CONSUL_DNS_PORT: '18600',
      DISCOVERY_BACKEND: 'consul',
      GW: 'http://127.0.0.1:18080',
      DASHBOARD_URL: 'http://127.0.0.1:18090',
      ADMIN_TOKEN_FILE: '/tmp/admin-token',
      PATH: '/bin',
    });
    expect(environmentOver(undefined, { GW: 'x' })).toEqual({ GW: 'x' });
  });

  it('are printed as export lines a POSIX shell reads back unchanged', () => {
    const lines = exportLines({ CONSUL_URL: 'http://127.0.0.1:8500', ODD: `it's $HOME` });
    expect(lines).toEqual(["export CONSUL_URL='http://127.0.0.1:8500'", `export ODD='it'\\''s $HOME'`]);
    const echoed = spawnSync('sh', ['-c', `${lines.join('; ')}; printf %s "$ODD"`], { encoding: 'utf8' });
    expect(echoed.stdout).toBe(`it's $HOME`);
  });
});
