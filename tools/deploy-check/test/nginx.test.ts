import { readFileSync } from 'node:fs';
import { loadComposeFile } from '../src/compose/load-compose';
import { repoPath } from '../src/repo';

/** The gateway's route table, read from its source (tools may not import an app). */
function gatewayRoutes(): { prefix: string; service: string; upstreamPrefix: string }[] {
  const source = readFileSync(repoPath('apps', 'gateway', 'src', 'routes.ts'), 'utf8');
  const rows = [
    ...source.matchAll(/\{\s*prefix:\s*'([^']+)',\s*service:\s*'([^']+)',\s*upstreamPrefix:\s*'([^']+)'\s*\}/g),
  ];
  return rows.map(([, prefix, service, upstreamPrefix]) => ({ prefix, service, upstreamPrefix }));
}

const upstream = (service: string) => service.replace(/-/g, '_');

describe('NGINX fed by consul-template (compose profile nginx)', () => {
  const routes = gatewayRoutes();
  const api = readFileSync(repoPath('deploy', 'nginx', 'api.conf'), 'utf8');
  const template = readFileSync(repoPath('deploy', 'nginx', 'upstreams.ctmpl'), 'utf8');

  it('reads the gateway routes', () => {
    expect(routes.length).toBeGreaterThanOrEqual(4);
  });

  it('serves the same public routes as the API gateway, rewritten the same way', () => {
    const locations = [
      ...api.matchAll(
        /location ~ \^(\S+)\(\/\|\$\) \{\s*rewrite \^\S+\(\.\*\)\$ (\S+)\$1 break;\s*proxy_pass http:\/\/(\w+);/g,
      ),
    ].map(([, prefix, upstreamPrefix, pool]) => ({ prefix, upstreamPrefix, pool }));
    expect(locations).toEqual(
      routes.map((route) => ({
        prefix: route.prefix,
        upstreamPrefix: route.upstreamPrefix,
        pool: upstream(route.service),
      })),
    );
  });

  it('renders one upstream per routed service from the Consul catalogue', () => {
    const rendered = [...template.matchAll(/\{\{ template "upstream" "([^"]+)" \}\}/g)].map(([, service]) => service);
    expect(rendered.sort()).toEqual(routes.map((route) => route.service).sort());
    expect(template).toContain('{{- range service . }}');
    expect(api).toContain('include /etc/nginx/upstreams/upstreams.conf;');
    expect(readFileSync(repoPath('deploy', 'nginx', 'consul-template.hcl'), 'utf8')).toContain(
      'destination = "/etc/nginx/upstreams/upstreams.conf"',
    );
  });

  it('lets consul-template stop NGINX gracefully before Docker kills it', () => {
    const hcl = readFileSync(repoPath('deploy', 'nginx', 'consul-template.hcl'), 'utf8');
    const killTimeout = Number(/kill_timeout\s*=\s*"(\d+)s"/.exec(hcl)?.[1]);
    // Compose's default stop grace period is 10s.
    const grace = String(loadComposeFile(repoPath('docker-compose.yml')).services.nginx.stop_grace_period ?? '10s');
    const graceSeconds = Number(/^(\d+)s$/.exec(grace)?.[1]);
    expect(killTimeout).toBeGreaterThan(0);
    expect(graceSeconds).toBeGreaterThan(killTimeout);
  });
});
