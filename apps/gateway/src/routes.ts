/**
 * The gateway's route table: which public path prefix goes to which service, and what that
 * service calls the same path. Adding a service to the gateway is one line here.
 */
export interface GatewayRoute {
  /** Public prefix, e.g. '/api/products'. Matches the prefix itself and anything below it. */
  readonly prefix: string;
  /** Registry name of the service that answers, e.g. 'product-service'. */
  readonly service: string;
  /** What replaces `prefix` on the way to the service, e.g. '/products'. */
  readonly upstreamPrefix: string;
}

export const gatewayRoutes: readonly GatewayRoute[] = [
  { prefix: '/api/auth', service: 'auth-service', upstreamPrefix: '/auth' },
  { prefix: '/api/products', service: 'product-service', upstreamPrefix: '/products' },
  { prefix: '/api/inventory', service: 'inventory-service', upstreamPrefix: '/inventory' },
  { prefix: '/api/orders', service: 'order-service', upstreamPrefix: '/orders' },
];

export interface RouteMatch {
  readonly route: GatewayRoute;
  /** Path and query string to send to the service. */
  readonly upstreamPath: string;
}

/**
 * A `.` or `..` path segment, literal or percent-encoded. Upstreams may resolve these, so a
 * request could climb out of the prefix it was routed by ('/api/products/../admin').
 */
const DOT_SEGMENT = /\/(?:\.|%2e){1,2}(?:[/?#]|$)/i;

/**
 * Finds the route for a request target ('/api/products/7?fields=name') and rewrites it for the
 * service ('/products/7?fields=name'). The query string is kept as it came. Undefined when no
 * route matches, or the path holds dot segments.
 */
export function matchRoute(routes: readonly GatewayRoute[], url: string): RouteMatch | undefined {
  for (const route of routes) {
    if (!url.startsWith(route.prefix)) continue;
    const next = url.charCodeAt(route.prefix.length);
    // End of the URL, '/' or '?': the prefix is a whole segment, so '/api/productsX' does not match.
    if (!(Number.isNaN(next) || next === 0x2f || next === 0x3f)) continue;
    if (DOT_SEGMENT.test(url)) return undefined;
    return { route, upstreamPath: route.upstreamPrefix + url.slice(route.prefix.length) };
  }
  return undefined;
}

/** Service names the table routes to, each once: the gateway's dependencies. */
export function routedServices(routes: readonly GatewayRoute[]): string[] {
  return [...new Set(routes.map((route) => route.service))];
}
