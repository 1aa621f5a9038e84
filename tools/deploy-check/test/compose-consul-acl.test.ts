import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parse } from 'yaml';
import { loadComposeFile, serviceEnvironment, type ComposeService } from '../src/compose/load-compose';
import { repoPath } from '../src/repo';

/**
 * Consul's ACLs in docker-compose.yml, checked offline: every Consul agent denies by default, the
 * one-shot consul-acl-init creates every policy and token, and every container that talks to Consul
 * reads a token that job creates, from a secret that deploy/generate-secrets.sh writes.
 */
const compose = loadComposeFile(repoPath('docker-compose.yml'));
const services = Object.entries(compose.services);
const initScript = readFileSync(repoPath('deploy/consul/acl-init.sh'), 'utf8');
const policyFiles = readdirSync(repoPath('deploy/consul/acl'))
  .filter((file) => file.endsWith('.json'))
  .map((file) => path.basename(file, '.json'))
  .sort();

const secretNames = (service: ComposeService) =>
  (service.secrets ?? []).map((secret) => (typeof secret === 'string' ? secret : secret.source));
const mountsSecret = (service: ComposeService, file: string) =>
  (service.secrets ?? []).some((secret) =>
    typeof secret === 'string'
      ? `/run/secrets/${secret}` === file
      : `/run/secrets/${secret.target ?? secret.source}` === file,
  );
const consulAgents = services.filter(
  ([, service]) =>
    service.image?.startsWith('hashicorp/consul:') && (service.command as string[] | undefined)?.[0] === 'agent',
);
const init = compose.services['consul-acl-init'];

/** The secrets whose tokens acl-init.sh creates: the `token <secret>` calls and the per-app loop. */
function tokensCreatedByInit(): string[] {
  const direct = [...initScript.matchAll(/^token (consul-[a-z-]+) /gm)].map((match) => match[1]);
  const loop = /^for app in ([a-z -]+); do\n\s+token "consul-token-\$app"/m.exec(initScript);
  const apps = loop === null ? [] : loop[1].trim().split(/\s+/);
  return [...direct, ...apps.map((app) => `consul-token-${app}`)].sort();
}

describe('Consul ACLs in docker-compose.yml', () => {
  it('enables ACLs with default deny and persisted tokens in deploy/consul/acl.hcl', () => {
    const hcl = readFileSync(repoPath('deploy/consul/acl.hcl'), 'utf8');
    expect(hcl).toMatch(/^\s*enabled\s*=\s*true$/m);
    expect(hcl).toMatch(/^\s*default_policy\s*=\s*"deny"$/m);
    expect(hcl).toMatch(/^\s*enable_token_persistence\s*=\s*true$/m);
  });

  it('runs every Consul agent of every profile with that file and the secret holding its tokens', () => {
    expect(consulAgents.map(([name]) => name).sort()).toEqual([
      'consul',
      'consul-agent',
      'consul-server-1',
      'consul-server-2',
      'consul-server-3',
    ]);
    for (const [name, service] of consulAgents) {
      const command = service.command as string[];
      expect({ name, acl: command.includes('-config-file=/etc/consul.d/acl.hcl') }).toEqual({ name, acl: true });
      expect(service.volumes).toContain('./deploy/consul/acl.hcl:/etc/consul.d/acl.hcl:ro');
      expect(command).toContain('-config-file=/run/secrets/consul-acl-tokens.hcl');
      expect(mountsSecret(service, '/run/secrets/consul-acl-tokens.hcl')).toBe(true);
      // The health check is a consul CLI call, which needs a token under default deny.
      const cliToken = serviceEnvironment(service).CONSUL_HTTP_TOKEN_FILE;
      expect({ name, cliToken }).toEqual({ name, cliToken: '/run/secrets/consul-management-token' });
      expect(mountsSecret(service, cliToken)).toBe(true);
    }
  });

  it('creates every policy file in the init job, and every policy it names has a file', () => {
    expect(init.image).toBe(compose.services.consul.image);
    expect(init.volumes).toEqual(
      expect.arrayContaining([
        './deploy/consul/acl:/consul/acl:ro',
        './deploy/consul/acl-init.sh:/usr/local/bin/acl-init.sh:ro',
      ]),
    );
    expect(initScript).toMatch(/^for file in \/consul\/acl\/\*\.json; do$/m);
    const named = [...new Set([...initScript.matchAll(/-policy-name ([a-z-]+)/g)].map((match) => match[1]))].sort();
    expect(named).toEqual(policyFiles);
    // The dev registry of `npm start` loads the same rules from the same files.
    const devStack = readFileSync(repoPath('tools/dev-stack/src/registry-acl.ts'), 'utf8');
    expect(devStack).toContain("'deploy/consul/acl'");
  });

  it('creates each token with the secret ID of a secret it mounts, after Consul is up, and only once', () => {
    const tokens = tokensCreatedByInit();
    expect(tokens.length).toBeGreaterThan(6);
    expect(secretNames(init).sort()).toEqual(['consul-management-token', ...tokens].sort());
    expect(serviceEnvironment(init).CONSUL_HTTP_TOKEN_FILE).toBe('/run/secrets/consul-management-token');
    expect(initScript).toContain('consul acl token create -secret "$(cat "$file")"');
    // Rerun: an existing token is found by its own secret, an existing policy is updated.
    expect(initScript).toContain('consul acl token read -self -token-file "$file"');
    expect(initScript).toContain('consul acl policy update -name "$name"');
    expect(init.depends_on).toMatchObject({ consul: { condition: 'service_healthy' } });
    expect(init.restart).toBe('no');
  });

  it('gives every container that talks to Consul a token the init job creates, and waits for it', () => {
    const created = new Set([...tokensCreatedByInit(), 'consul-management-token']);
    const talkers = services.filter(
      ([name, service]) =>
        !consulAgents.some(([agent]) => agent === name) &&
        Object.values(serviceEnvironment(service)).some((value) => /^http:\/\/consul(-agent)?:8500$/.test(value)),
    );
    expect(talkers.length).toBeGreaterThan(7);
    for (const [name, service] of talkers) {
      const environment = serviceEnvironment(service);
      const file = environment.CONSUL_TOKEN_FILE ?? environment.CONSUL_HTTP_TOKEN_FILE;
      const secret = file?.replace('/run/secrets/', '');
      expect({ name, mounted: file !== undefined && mountsSecret(service, file) }).toEqual({ name, mounted: true });
      expect({ name, created: created.has(String(secret)) }).toEqual({ name, created: true });
      const app = service.build?.args?.APP;
      // An app registers itself: its token is its own service identity.
      if (app !== undefined) expect({ name, secret }).toEqual({ name, secret: `consul-token-${app}` });
      if (name !== 'consul-acl-init')
        expect({ name, dependsOn: (service.depends_on as Record<string, unknown>)['consul-acl-init'] }).toEqual({
          name,
          dependsOn: { condition: 'service_completed_successfully' },
        });
    }
    const seed = serviceEnvironment(compose.services['config-seed']);
    expect(seed.CONSUL_TOKEN_FILE).toBe('/run/secrets/consul-config-writer-token');
    const dashboard = serviceEnvironment(compose.services.dashboard);
    expect(dashboard.DASHBOARD_CONFIG_TOKEN_FILE).toBe('/run/secrets/consul-config-writer-token');
    expect(mountsSecret(compose.services.dashboard, dashboard.DASHBOARD_CONFIG_TOKEN_FILE)).toBe(true);
  });

  it('lets Prometheus list the catalog with the read-only token, and consul-template with the anonymous one', () => {
    const prometheus = parse(readFileSync(repoPath('deploy/observability/prometheus.yml'), 'utf8')) as {
      scrape_configs: { consul_sd_configs?: Record<string, unknown>[] }[];
    };
    const sd = prometheus.scrape_configs.flatMap((job) => job.consul_sd_configs ?? []);
    expect(sd.length).toBeGreaterThan(0);
    for (const entry of sd)
      expect(entry.authorization).toEqual({ credentials_file: '/run/secrets/consul-read-only-token' });
    expect(secretNames(compose.services.prometheus)).toContain('consul-read-only-token');
    // consul-template (profile nginx) reads only the catalog, which the anonymous token may once the job ran.
    expect(initScript).toMatch(/token update -id 00000000-0000-0000-0000-000000000002 -policy-name catalog-read/);
    expect(compose.services.nginx.depends_on).toMatchObject({
      'consul-acl-init': { condition: 'service_completed_successfully' },
    });
  });

  it("has generate-secrets.sh write UUID tokens and the agents' token file from the same values", () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'consul-acl-'));
    try {
      const run = spawnSync('sh', [repoPath('deploy/generate-secrets.sh'), dir], { encoding: 'utf8' });
      expect(run.status).toBe(0);
      const read = (name: string) => readFileSync(path.join(dir, name), 'utf8').trim();
      const uuid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
      const tokens = [...tokensCreatedByInit(), 'consul-management-token'];
      for (const token of tokens)
        expect({ token, value: read(token) }).toEqual({ token, value: expect.stringMatching(uuid) });
      expect(new Set(tokens.map(read)).size).toBe(tokens.length);
      const hcl = read('consul-acl-tokens');
      expect(hcl).toContain(`initial_management = "${read('consul-management-token')}"`);
      expect(hcl).toContain(`agent = "${read('consul-agent-token')}"`);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
