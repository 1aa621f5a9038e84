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
  // Bodies are streamed to the upstream as they arrive, never parsed or size-limited here.
  jsonBody: false,
  routes(ctx) {
    const { config } = ctx;
    // One connection pool per upstream instance, shared by all requests; kept alive between them.
    const agent = new Agent({
      connections: config.GATEWAY_MAX_CONNECTIONS_PER_INSTANCE,
      keepAliveTimeout: 4_000,
      connect: { timeout: Math.min(config.GATEWAY_UPSTREAM_TIMEOUT_MS, 5_000) },
    });
    ctx.onShutdown(() => agent.close());

    ctx.app.use(
      '/api',
      createProxyHandler({
        routes: gatewayRoutes,
        // Shared with ctx.services' own clients, so /health/detailed shows the gateway's ejections.
        chooserFor: (service) => ctx.services.selector(service),
        dispatcher: agent,
        upstreamTimeoutMs: config.GATEWAY_UPSTREAM_TIMEOUT_MS,
        retryAttempts: config.GATEWAY_RETRY_ATTEMPTS,
        metrics: createGatewayMetrics(ctx.metrics),
        log: ctx.log,
      }),
    );
  },
});
