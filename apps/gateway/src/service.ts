import proxyAddr from 'proxy-addr';
import { Agent } from 'undici';
import { z } from 'zod';
import { defineService } from '@lab/service-kit';
import { gatewayConfig } from './config';
import { createGatewayMetrics } from './gateway-metrics';
import { Proxy } from './proxy';
import { gatewayRoutes, routedServices } from './routes';
import { routingSchema, VersionRouter } from './version-routing';

/**
 * The API gateway: server-side discovery. Callers know one address; the gateway finds a healthy
 * instance of the service behind each /api route through the same selector every client of
 * @lab/discovery uses (watched cache, LB_STRATEGY balancer, outlier ejection; see ctx.services)
 * and streams the request there.
 */
export const gatewayService = defineService({
  name: 'gateway',
  defaultPort: 8080,
  config: gatewayConfig,
  dynamicConfig: {
    // routing.<service>: version-aware routing rules (config/gateway), changed live through the KV store.
    schema: z.object({ routing: routingSchema(routedServices(gatewayRoutes)) }),
  },
  dependencies: routedServices(gatewayRoutes),
  // Bodies are streamed to the upstream as they arrive, never parsed; GATEWAY_MAX_BODY_BYTES caps them.
  jsonBody: false,
  // The gateway's port is the public one: what it knows about the system stays behind ADMIN_TOKEN.
  operationalEndpoints: 'admin',
  routes(ctx) {
    const { config } = ctx;
    // One connection pool per upstream instance, shared by all requests; kept alive between them.
    const agent = new Agent({
      connections: config.GATEWAY_MAX_CONNECTIONS_PER_INSTANCE,
      keepAliveTimeout: 4_000,
      connect: { timeout: Math.min(config.GATEWAY_UPSTREAM_TIMEOUT_MS, 5_000) },
    });
    ctx.onShutdown(() => agent.close());
    // The same list (and matching rules) Express uses for req.ip, so both agree on who the client is.
    const trusted = proxyAddr.compile(config.TRUSTED_PROXIES ?? []);

    const versions = new VersionRouter();
    // DNS names carry no metadata to tell versions apart: under Kubernetes the mesh (k8s/istio,
    // with the same rules) routes by version, and the gateway sends to the Service as it is.
    const byMesh = config.DISCOVERY_BACKEND === 'dns';
    const applyRouting = () => {
      if (byMesh) return;
      versions.update(ctx.configStore.current().routing);
      ctx.log.info({ services: versions.routedServices() }, 'version routing rules in force');
    };
    if (byMesh) ctx.log.info('version routing left to the mesh: DNS discovery carries no instance versions');
    applyRouting();
    // Only rules the schema accepted get here; a refused change leaves the last good ones in force.
    ctx.configStore.subscribe((_next, changed) => {
      if (changed.some((path) => path === 'routing' || path.startsWith('routing.'))) applyRouting();
    });

    // A plain node:http handler ahead of Express: the proxy path pays for no router or middleware
    // chain; health, metrics and admin stay on Express.
    const proxy = new Proxy({
      routes: gatewayRoutes,
      // Shared with ctx.services' own clients, so /health/detailed shows the gateway's ejections.
      chooserFor: (service) => ctx.services.selector(service),
      dispatcher: agent,
      upstreamTimeoutMs: config.GATEWAY_UPSTREAM_TIMEOUT_MS,
      retryAttempts: config.GATEWAY_RETRY_ATTEMPTS,
      maxBodyBytes: config.GATEWAY_MAX_BODY_BYTES,
      isTrustedProxy: (address) => trusted(address, 0),
      metrics: createGatewayMetrics(ctx.metrics),
      versions,
      log: ctx.log,
    });
    ctx.serveFirst('/api', proxy.route);
  },
});
