import { spawnSync } from 'node:child_process';
import { validateComposeFile } from '../src/compose/compose-schema';
import { loadComposeFile } from '../src/compose/load-compose';
import { repoPath } from '../src/repo';

const COMPOSE_FILE = repoPath('docker-compose.yml');

/** The variables a user may set (see .env.example), in each combination the README shows. */
const ENVIRONMENTS: Record<string, Record<string, string>> = {
  defaults: {},
  etcd: { DISCOVERY_BACKEND: 'etcd', COMPOSE_PROFILES: 'etcd' },
  zookeeper: { DISCOVERY_BACKEND: 'zookeeper', COMPOSE_PROFILES: 'zookeeper' },
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
    const problems = validateComposeFile(broken);
    expect(problems).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ path: '/services/gateway', message: expect.stringContaining('restart_policy') }),
        expect.objectContaining({ path: '/services/consul/healthcheck/interval' }),
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

describeWithBinary('docker-compose config', () => {
  it.each([
    ['the default stack', []],
    ['every profile', ['--profile', 'etcd', '--profile', 'zookeeper', '--profile', 'nginx']],
  ])('accepts %s', (_name, profiles) => {
    // No secret file needs to exist for the configuration to be checked.
    const result = spawnSync('docker-compose', ['-f', COMPOSE_FILE, ...profiles, 'config', '-q'], {
      encoding: 'utf8',
      env: { PATH: process.env.PATH ?? '' },
    });
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
  });
});
