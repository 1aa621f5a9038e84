import proxyAddr from 'proxy-addr';
import { Agent } from 'undici';
import { defineService } from '@lab/service-kit';
import { gatewayConfig } from './config';
import { createGatewayMetrics } from './gateway-metrics';
import { createProxyHandler } from './proxy';
import { gatewayRoutes, routedServices } from './routes';

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

    ctx.app.use(
      '/api',
      createProxyHandler({
        routes: gatewayRoutes,
        // Shared with ctx.services' own clients, so /health/detailed shows the gateway's ejections.
        chooserFor: (service) => ctx.services.selector(service),
        dispatcher: agent,
        upstreamTimeoutMs: config.GATEWAY_UPSTREAM_TIMEOUT_MS,
        retryAttempts: config.GATEWAY_RETRY_ATTEMPTS,
        maxBodyBytes: config.GATEWAY_MAX_BODY_BYTES,
        isTrustedProxy: (address) => trusted(address, 0),
        metrics: createGatewayMetrics(ctx.metrics),
        log: ctx.log,
      }),
    );
  },
});
