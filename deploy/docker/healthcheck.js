// Docker HEALTHCHECK for every image built from the Dockerfile: GET the app's liveness endpoint.
// The slim Node image has no curl, so Node's own fetch does the request. Exit 0 = healthy.
'use strict';

/** Each app's default port (PORT overrides it) and the path that says "the process works". */
const APPS = {
  'auth-service': { port: 3001, path: '/health/live' },
  'product-service': { port: 3002, path: '/health/live' },
  'inventory-service': { port: 3003, path: '/health/live' },
  'order-service': { port: 3004, path: '/health/live' },
  gateway: { port: 8080, path: '/health/live' },
  dashboard: { port: 8090, path: '/health/live' },
  // The development registry is not built on service-kit: its leader endpoint answers while it runs.
  'dev-registry': { port: 8500, path: '/v1/status/leader', portVariable: 'DEV_REGISTRY_PORT' },
};

function check() {
  const app = APPS[process.env.APP];
  if (!app) {
    process.stderr.write(`healthcheck: unknown APP ${JSON.stringify(process.env.APP)}\n`);
    process.exit(1);
  }
  const port = process.env[app.portVariable ?? 'PORT'] || app.port;
  fetch(`http://127.0.0.1:${port}${app.path}`, { signal: AbortSignal.timeout(2500) }).then(
    (response) => process.exit(response.ok ? 0 : 1),
    () => process.exit(1),
  );
}

// Run by HEALTHCHECK; required by tools/deploy-check, which compares APPS with the apps themselves.
if (require.main === module) check();

module.exports = { APPS };
