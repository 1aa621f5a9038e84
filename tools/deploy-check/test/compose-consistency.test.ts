import { existsSync, readFileSync } from 'node:fs';
import { describeApp, readsVariable, type AppDescription } from '../src/app-description';
import {
  loadComposeFile,
  serviceEnvironment,
  type ComposeFile,
  type ComposeService,
} from '../src/compose/load-compose';
import { DEPLOYED_APPS, repoPath } from '../src/repo';

const descriptions = new Map<string, AppDescription>(
  DEPLOYED_APPS.map((app) => [app, describeApp(app, { NODE_ENV: 'production' })]),
);
const compose: ComposeFile = loadComposeFile(repoPath('docker-compose.yml'));

/** Compose services that run one of the apps (by the APP build argument), with the app's name. */
const appServices = Object.entries(compose.services)
  .filter(([, service]) => service.build?.args?.APP !== undefined)
  .map(([name, service]) => ({ name, service, app: String(service.build?.args?.APP) }));

const secretNames = (service: ComposeService) =>
  (service.secrets ?? []).map((secret) => (typeof secret === 'string' ? secret : secret.source));
const dependsOn = (service: ComposeService) => service.depends_on as Record<string, { condition: string }>;

describe('docker-compose.yml against the apps', () => {
  it('runs every app, and product-service twice', () => {
    expect([...new Set(appServices.map((s) => s.app))].sort()).toEqual([...DEPLOYED_APPS].sort());
    expect(appServices.filter((s) => s.app === 'product-service')).toHaveLength(2);
  });

  it.each(appServices.map((s) => [s.name, s]))(
    '%s sets only variables its app reads, and every one it requires',
    (_name, { service, app }) => {
      const environment = serviceEnvironment(service);
      const description = descriptions.get(app) as AppDescription;
      expect(Object.keys(environment).filter((name) => !readsVariable(description, name))).toEqual([]);
      const missing = description.variables
        .filter((variable) => variable.required)
        .filter((variable) => !(variable.name in environment) && !(`${variable.name}_FILE` in environment));
      expect(missing).toEqual([]);
    },
  );

  it.each(appServices.map((s) => [s.name, s]))(
    '%s registers with Consul under its own DNS name',
    (name, { service }) => {
      const environment = serviceEnvironment(service);
      expect(environment.DISCOVERY_BACKEND).toBe('consul');
      expect(new URL(environment.CONSUL_URL).hostname).toBe('consul');
      expect(environment.SERVICE_ADDRESS).toBe(name);
      expect(environment.HOST).toBe('0.0.0.0');
      expect(environment.PORT).toBeUndefined();
      expect(dependsOn(service).consul).toEqual({ condition: 'service_healthy' });
      expect(dependsOn(service)['config-seed']).toEqual({ condition: 'service_completed_successfully' });
    },
  );

  it.each(appServices.map((s) => [s.name, s]))(
    '%s fixes no live setting unless .env sets its variable (README, "Which value wins")',
    (name, { service, app }) => {
      const fixing = (descriptions.get(app) as AppDescription).variables.filter((variable) => variable.setting);
      expect(fixing.map((variable) => variable.name)).toContain('LOG_LEVEL');
      const environment = serviceEnvironment(service);
      for (const { name: variable } of fixing)
        expect({ variable, value: environment[variable] ?? '' }).toEqual({ variable, value: '' });
      const withDotEnv = loadComposeFile(repoPath('docker-compose.yml'), { LOG_LEVEL: 'debug' });
      expect(serviceEnvironment(withDotEnv.services[name]).LOG_LEVEL).toBe('debug');
    },
  );

  it('gives every instance its own id', () => {
    const ids = appServices.map(({ service }) => serviceEnvironment(service).INSTANCE_ID);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it.each(appServices.map((s) => [s.name, s]))(
    '%s reads each secret from a Docker secret it mounts, whose example exists',
    (_name, { service }) => {
      const environment = serviceEnvironment(service);
      for (const [variable, value] of Object.entries(environment).filter(([key]) => key.endsWith('_FILE'))) {
        const secret = value.replace('/run/secrets/', '');
        expect({ variable, mounted: secretNames(service).includes(secret) }).toEqual({ variable, mounted: true });
        const file = compose.secrets?.[secret]?.file;
        expect(file).toBe(`./deploy/secrets/${secret}`);
        expect(existsSync(repoPath('deploy', 'secrets', `${secret}.example`))).toBe(true);
      }
      // No credential is written in the file itself.
      for (const [variable, value] of Object.entries(environment)) {
        expect({
          variable,
          credentials: /:\/\/[^/@]*:[^/@]*@/.test(value) || /PASSWORD$|TOKEN$|KEY$/.test(variable),
        }).toEqual({ variable, credentials: false });
      }
    },
  );

  it('starts a service that uses Postgres or Redis only once that server is healthy', () => {
    for (const { name, service } of appServices) {
      const environment = serviceEnvironment(service);
      if ('DATABASE_URL_FILE' in environment)
        expect({ name, postgres: dependsOn(service).postgres }).toEqual({
          name,
          postgres: { condition: 'service_healthy' },
        });
      if ('REDIS_URL_FILE' in environment)
        expect({ name, redis: dependsOn(service).redis }).toEqual({ name, redis: { condition: 'service_healthy' } });
    }
    for (const dependency of ['consul', 'postgres', 'redis'])
      expect(compose.services[dependency].healthcheck?.test).toBeDefined();
  });

  it('publishes the gateway on its own port, and the Consul UI', () => {
    const gateway = (descriptions.get('gateway') as AppDescription).defaultPort;
    expect(compose.services.gateway.ports).toEqual([`127.0.0.1:${gateway}:${gateway}`]);
    expect(compose.services.consul.ports).toEqual(['127.0.0.1:8500:8500']);
    expect(compose.services.consul.command).toEqual(
      expect.arrayContaining(['agent', '-dev', '-ui', '-client=0.0.0.0']),
    );
    expect(compose.services.consul.image).toMatch(/^hashicorp\/consul:\d+\.\d+\.\d+$/);
  });

  it('seeds the KV store with the config CLI, in an image of its own, before any service starts', () => {
    const seed = compose.services['config-seed'];
    expect(seed.command).toEqual(['seed', '--wait', '60s']);
    // The config-seed target runs `node main.js`, linked to the workspace's entry point, as
    // `npm run config` runs the same file.
    expect(seed.build).toMatchObject({ target: 'config-seed', args: { WORKSPACE: 'tools/config-cli' } });
    const rootScripts = (
      JSON.parse(readFileSync(repoPath('package.json'), 'utf8')) as { scripts: Record<string, string> }
    ).scripts;
    expect(rootScripts.config).toBe(`node ${seed.build?.args?.WORKSPACE}/dist/main.js`);
    expect(existsSync(repoPath(String(seed.build?.args?.WORKSPACE), 'dist', 'main.js'))).toBe(true);
    expect(seed.image).toMatch(/^discovery-lab\/config-seed:/);
  });

  it('seeds only once the store DISCOVERY_BACKEND names is healthy, whichever profile runs it', () => {
    const seed = dependsOn(compose.services['config-seed']) as Record<
      string,
      { condition: string; required?: boolean }
    >;
    expect(seed.consul).toEqual({ condition: 'service_healthy' });
    for (const store of ['etcd', 'zookeeper', 'eureka']) {
      // Started only by its profile: required: false lets compose run without it.
      expect(compose.services[store].profiles).toEqual([store]);
      expect(compose.services[store].healthcheck?.test).toBeDefined();
      expect({ store, dependency: seed[store] }).toEqual({
        store,
        dependency: { condition: 'service_healthy', required: false },
      });
    }
  });

  it('creates the databases from the same URLs the services read', () => {
    const postgres = compose.services.postgres;
    const urls = appServices
      .map(({ service }) => serviceEnvironment(service).DATABASE_URL_FILE)
      .filter(Boolean)
      .map((file) => file.replace('/run/secrets/', ''));
    expect(secretNames(postgres)).toEqual(expect.arrayContaining([...new Set(urls)]));
    expect(postgres.volumes).toContain(
      './deploy/postgres/init.sh:/docker-entrypoint-initdb.d/10-service-databases.sh:ro',
    );
  });

  it('runs etcd and ZooKeeper in their profiles, at the addresses the services are given', () => {
    const environment = serviceEnvironment(appServices[0].service);
    expect(compose.services.etcd.profiles).toEqual(['etcd']);
    expect(new URL(environment.ETCD_ENDPOINTS).hostname).toBe('etcd');
    expect(compose.services.zookeeper.profiles).toEqual(['zookeeper']);
    expect(environment.ZOOKEEPER_CONNECT.split(':')[0]).toBe('zookeeper');
    expect(compose.services.nginx.profiles).toEqual(['nginx']);
  });

  it('switches every service to another registry with one variable', () => {
    const etcd = loadComposeFile(repoPath('docker-compose.yml'), { DISCOVERY_BACKEND: 'etcd' });
    for (const { name } of appServices) expect(serviceEnvironment(etcd.services[name]).DISCOVERY_BACKEND).toBe('etcd');
    expect(serviceEnvironment(etcd.services['config-seed']).DISCOVERY_BACKEND).toBe('etcd');
  });
});

describe('the eureka and consul-cluster profiles', () => {
  const commandOf = (service: ComposeService): string[] =>
    Array.isArray(service.command) ? service.command.map(String) : String(service.command ?? '').split(/\s+/);

  it('eureka: a Spring Cloud Netflix Eureka server, every service on it with its password secret', () => {
    const onEureka = loadComposeFile(repoPath('docker-compose.yml'), { DISCOVERY_BACKEND: 'eureka' });
    const eureka = onEureka.services.eureka;
    expect(eureka.profiles).toEqual(['eureka']);
    expect(eureka.image).toMatch(/^ghcr\.io\/openzipkin\/zipkin-eureka:\d+\.\d+\.\d+$/);
    expect(eureka.healthcheck?.test).toBeDefined();
    // Spring Boot reads eureka.password from the mounted secret.
    expect(eureka.secrets).toEqual([{ source: 'eureka-password', target: 'eureka.password' }]);
    expect(serviceEnvironment(eureka).SPRING_CONFIG_IMPORT).toBe('optional:configtree:/run/secrets/');
    for (const { name } of appServices) {
      const environment = serviceEnvironment(onEureka.services[name]);
      expect({ name, backend: environment.DISCOVERY_BACKEND }).toEqual({ name, backend: 'eureka' });
      expect(new URL(environment.EUREKA_URL).hostname).toBe('eureka');
      expect(environment.EUREKA_TOKEN_FILE).toBe('/run/secrets/eureka-password');
      // Eureka has no KV store: live settings come from the Consul agent's.
      expect(new URL(environment.EUREKA_CONFIG_KV_URL).hostname).toBe('consul');
    }
    const seed = serviceEnvironment(onEureka.services['config-seed']);
    expect(seed.DISCOVERY_BACKEND).toBe('eureka');
    expect(new URL(seed.EUREKA_CONFIG_KV_URL).hostname).toBe('consul');
  });

  it('consul-cluster: three servers that expect each other, and every service reaches Consul through the client agent', () => {
    const cluster = loadComposeFile(repoPath('docker-compose.yml'), { CONSUL_AGENT_HOST: 'consul-agent' });
    const servers = ['consul-server-1', 'consul-server-2', 'consul-server-3'];
    for (const name of servers) {
      const server = cluster.services[name];
      expect(server.profiles).toEqual(['consul-cluster']);
      const command = commandOf(server);
      expect(command).toEqual(expect.arrayContaining(['agent', '-server', '-bootstrap-expect=3']));
      expect(command).toEqual(expect.arrayContaining(servers.map((s) => `-retry-join=${s}`)));
      expect(server.ports ?? []).toEqual([]);
    }
    const agent = cluster.services['consul-agent'];
    const agentCommand = commandOf(agent);
    expect(agentCommand).not.toContain('-server');
    expect(agentCommand).not.toContain('-dev');
    expect(agentCommand).toEqual(expect.arrayContaining(['-ui', ...servers.map((s) => `-retry-join=${s}`)]));
    expect(agent.ports).toEqual(
      expect.arrayContaining(['127.0.0.1:8501:8500', '127.0.0.1:8600:8600/udp', '127.0.0.1:8600:8600/tcp']),
    );
    expect(agent.healthcheck?.test).toBeDefined();

    // Every Consul address a service or the seed is given names an agent that is not a server.
    const isServer = (host: string) => commandOf(cluster.services[host]).includes('-server');
    for (const name of [...appServices.map((s) => s.name), 'config-seed']) {
      const environment = serviceEnvironment(cluster.services[name]);
      for (const variable of ['CONSUL_URL', 'EUREKA_CONFIG_KV_URL']) {
        const host = new URL(environment[variable]).hostname;
        expect({ name, variable, host, server: isServer(host) }).toEqual({
          name,
          variable,
          host: 'consul-agent',
          server: false,
        });
      }
      expect(dependsOn(cluster.services[name])['consul-agent']).toMatchObject({ condition: 'service_healthy' });
    }
  });
});

describe('the image health check', () => {
  // deploy/docker/healthcheck.js is plain CommonJS run by the image's HEALTHCHECK.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { APPS } = require(repoPath('deploy', 'docker', 'healthcheck.js')) as {
    APPS: Record<string, { port: number; path: string }>;
  };

  it.each(DEPLOYED_APPS)('%s: asks the liveness path on the port the app listens on', (app) => {
    const { defaultPort, probes } = descriptions.get(app) as AppDescription;
    expect(APPS[app]).toEqual({ port: defaultPort, path: probes.live });
  });
});
