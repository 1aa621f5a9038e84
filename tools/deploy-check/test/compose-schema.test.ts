import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { isPair, isScalar, parseDocument, visit } from 'yaml';
import { COMPOSE_2_20_DEPENDS_ON_KEYS, validateComposeFile } from '../src/compose/compose-schema';
import { loadComposeFile } from '../src/compose/load-compose';
import { repoPath } from '../src/repo';

const COMPOSE_FILE = repoPath('docker-compose.yml');

/** The variables a user may set (see .env.example), in each combination the README shows. */
const ENVIRONMENTS: Record<string, Record<string, string>> = {
  defaults: {},
  etcd: { DISCOVERY_BACKEND: 'etcd', COMPOSE_PROFILES: 'etcd' },
  zookeeper: { DISCOVERY_BACKEND: 'zookeeper', COMPOSE_PROFILES: 'zookeeper' },
  eureka: { DISCOVERY_BACKEND: 'eureka', COMPOSE_PROFILES: 'eureka' },
  'consul-cluster': { CONSUL_AGENT_HOST: 'consul-agent', COMPOSE_PROFILES: 'consul-cluster' },
};

describe('docker-compose.yml against the Compose Specification', () => {
  it.each(Object.keys(ENVIRONMENTS))('is valid with the %s settings', (name) => {
    const compose = loadComposeFile(COMPOSE_FILE, ENVIRONMENTS[name]);
    expect(validateComposeFile(compose)).toEqual([]);
  });

  it('the validator rejects what the specification forbids', () => {
    const compose = loadComposeFile(COMPOSE_FILE);
    const broken = structuredClone(compose);
    (broken.services.gateway as Record<string, unknown>).restart_policy = 'always';
    broken.services.consul.healthcheck = { test: ['CMD', 'true'], interval: 'five seconds' } as never;
    broken.services.gateway.depends_on = { consul: { condition: 'service_healthy', required: 'no' } } as never;
    const problems = validateComposeFile(broken);
    expect(problems).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ path: '/services/gateway', message: expect.stringContaining('restart_policy') }),
        expect.objectContaining({ path: '/services/consul/healthcheck/interval' }),
        expect.objectContaining({ path: '/services/gateway/depends_on/consul/required' }),
      ]),
    );
  });

  it('uses the Compose Specification format: no `version` key', () => {
    expect(loadComposeFile(COMPOSE_FILE)).not.toHaveProperty('version');
  });
});

const dockerCompose = spawnSync('docker-compose', ['version', '--short'], { encoding: 'utf8' });
const describeWithBinary = dockerCompose.status === 0 ? describe : describe.skip;
if (dockerCompose.status !== 0) {
  console.log('docker-compose config tests skipped: no docker-compose binary on PATH');
}
const composeMajor = Number(/^v?(\d+)/.exec(dockerCompose.stdout?.trim() ?? '')?.[1] ?? 0);

/**
 * The file without the depends_on keys of Compose 2.20: Compose v1 (Debian's docker-compose 1.29)
 * refuses them; everything else it still checks. The schema test above covers those keys.
 */
function withoutCompose220Keys(text: string): string {
  const document = parseDocument(text, { merge: true });
  const keys: readonly string[] = COMPOSE_2_20_DEPENDS_ON_KEYS;
  visit(document, {
    Pair(_key, pair, ancestors) {
      if (!isScalar(pair.key) || !keys.includes(String(pair.key.value))) return undefined;
      const inDependsOn = ancestors.some(
        // depends_on itself, or a shared fragment merged into depends_on (x-app-depends-on).
        (node) => isPair(node) && isScalar(node.key) && /^(depends_on|x-.*depends-on)$/.test(String(node.key.value)),
      );
      return inDependsOn ? visit.REMOVE : undefined;
    },
  });
  return document.toString();
}

describeWithBinary(`docker-compose config (${dockerCompose.stdout?.trim()})`, () => {
  let dir: string;
  let file: string;
  beforeAll(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'compose-'));
    file = path.join(dir, 'docker-compose.yml');
    const text = readFileSync(COMPOSE_FILE, 'utf8');
    writeFileSync(file, composeMajor >= 2 ? text : withoutCompose220Keys(text));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it.each([
    ['the default stack', []],
    ['the eureka profile', ['--profile', 'eureka']],
    ['the consul-cluster profile', ['--profile', 'consul-cluster']],
    ['the observability profile', ['--profile', 'observability']],
    [
      'every profile',
      [
        ...['--profile', 'etcd', '--profile', 'zookeeper', '--profile', 'nginx'],
        ...['--profile', 'eureka', '--profile', 'consul-cluster', '--profile', 'observability'],
      ],
    ],
  ])('accepts %s', (_name, profiles) => {
    // No secret file needs to exist for the configuration to be checked.
    const result = spawnSync(
      'docker-compose',
      ['-f', file, '--project-directory', repoPath(), ...profiles, 'config', '-q'],
      { encoding: 'utf8', env: { PATH: process.env.PATH ?? '' } },
    );
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
  });
});
