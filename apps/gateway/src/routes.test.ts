import { gatewayRoutes, matchRoute, routedServices } from './routes';

function target(url: string): { service: string; path: string } | undefined {
  const match = matchRoute(gatewayRoutes, url);
  return match && { service: match.route.service, path: match.upstreamPath };
}

describe('matchRoute', () => {
  it.each([
    ['/api/auth/login', 'auth-service', '/auth/login'],
    ['/api/products', 'product-service', '/products'],
    ['/api/products/', 'product-service', '/products/'],
    ['/api/products/42', 'product-service', '/products/42'],
    ['/api/inventory/42', 'inventory-service', '/inventory/42'],
    ['/api/orders', 'order-service', '/orders'],
    [
      '/api/orders/5f0c3c1e-0000-4000-8000-000000000000',
      'order-service',
      '/orders/5f0c3c1e-0000-4000-8000-000000000000',
    ],
  ])('routes %s to %s %s', (url, service, path) => {
    expect(target(url)).toEqual({ service, path });
  });

  it('keeps the query string as it came', () => {
    expect(target('/api/products?page=2&pageSize=5')).toEqual({
      service: 'product-service',
      path: '/products?page=2&pageSize=5',
    });
    expect(target('/api/products/7?q=a%20b&q=c')?.path).toBe('/products/7?q=a%20b&q=c');
  });

  it('matches whole segments only', () => {
    expect(target('/api/productsX')).toBeUndefined();
    expect(target('/api/orders-admin/1')).toBeUndefined();
  });

  it.each(['/api', '/api/', '/api/unknown', '/api/users/1', '/products/1', '/apix/products'])(
    'has no route for %s',
    (url) => {
      expect(target(url)).toBeUndefined();
    },
  );

  it.each(['/api/products/../auth/me', '/api/products/%2e%2e/admin', '/api/products/./1', '/api/products/..'])(
    'refuses dot segments in %s',
    (url) => {
      expect(target(url)).toBeUndefined();
    },
  );

  it('lets names that merely contain dots through', () => {
    expect(target('/api/products/a..b')?.path).toBe('/products/a..b');
  });

  it('serves a table given to it, so adding a service is one entry', () => {
    const routes = [
      ...gatewayRoutes,
      { prefix: '/api/reviews', service: 'review-service', upstreamPrefix: '/reviews' },
    ];
    expect(matchRoute(routes, '/api/reviews/3')).toEqual({ route: routes[4], upstreamPath: '/reviews/3' });
  });
});

describe('routedServices', () => {
  it('lists every routed service once', () => {
    expect(routedServices(gatewayRoutes)).toEqual([
      'auth-service',
      'product-service',
      'inventory-service',
      'order-service',
    ]);
    expect(routedServices([...gatewayRoutes, gatewayRoutes[0]])).toHaveLength(4);
  });
});
