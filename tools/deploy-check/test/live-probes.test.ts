import { spawnSync } from 'node:child_process';
import { createTestDatabase, describeWithInfra, freePort, waitFor, type TestDatabase } from '@lab/testing';
import { startApp, type RunningApp } from '../src/app-description';
import { DEPLOYED_APPS, repoPath } from '../src/repo';
import { appDeployments, podTemplate } from './support/manifest-queries';
import { describeWithKubectl, kustomizeRenders } from './support/renders';

// The probe paths as the dev overlay declares them, read from the render rather than restated here.
function declaredProbes(): Map<string, string[]> {
  const renders = kustomizeRenders();
  try {
    const probes = new Map<string, string[]>();
    for (const deployment of appDeployments(renders.rendered('k8s/overlays/dev'))) {
      const container = podTemplate(deployment).spec.containers[0];
      const paths = [container.startupProbe, container.livenessProbe, container.readinessProbe].map((probe) =>
        String(probe?.httpGet?.path),
      );
      probes.set(String(deployment.metadata.labels?.app), paths);
    }
    return probes;
  } finally {
    renders.tree.remove();
  }
}

/** The apps that own a database: each gets a fresh one on the test Postgres. */
const WITH_DATABASE = new Set(['auth-service', 'product-service', 'inventory-service', 'order-service']);

describeWithKubectl('the probes of the dev overlay', () => {
  describeWithInfra(
    ['postgres'],
    'each app, started as its image starts it, answers the probes the manifests declare',
    () => {
      let probes: Map<string, string[]>;
      const running = new Map<string, RunningApp>();
      const databases: TestDatabase[] = [];

      beforeAll(async () => {
        probes = declaredProbes();
        await Promise.all(
          DEPLOYED_APPS.map(async (app) => {
            const env: Record<string, string> = {
              PORT: String(await freePort()),
              HOST: '127.0.0.1',
              DISCOVERY_BACKEND: 'memory',
              LOG_LEVEL: 'warn',
              SHUTDOWN_DRAIN_DELAY_MS: '0',
              // Every deployment gives each app the admin token; the dashboard cannot start without it.
              ADMIN_TOKEN: 'an-admin-token-for-the-probes',
            };
            if (WITH_DATABASE.has(app)) {
              const database = await createTestDatabase();
              databases.push(database);
              env.DATABASE_URL = database.url;
            }
            running.set(app, startApp(app, env));
          }),
        );
      }, 60_000);

      afterAll(async () => {
        await Promise.all([...running.values()].map((app) => app.stop()));
        await Promise.all(databases.map((database) => database.drop()));
      });

      it.each(DEPLOYED_APPS)(
        '%s: startup, then liveness and readiness answer 200; SIGTERM exits 0',
        async (app) => {
          const instance = running.get(app) as RunningApp;
          const [startup, live, ready] = probes.get(app) as string[];
          const status = async (path: string) => (await fetch(`${instance.url}${path}`)).status;
          try {
            await waitFor(async () => (await status(startup)) === 200, {
              timeoutMs: 45_000,
              intervalMs: 200,
              description: `${app} ${startup}`,
            });
            expect(await status(live)).toBe(200);
            await waitFor(async () => (await status(ready)) === 200, {
              timeoutMs: 10_000,
              intervalMs: 100,
              description: `${app} ${ready}`,
            });
          } catch (error) {
            throw new Error(`${(error as Error).message}\n${instance.output()}`);
          }
          // The image's HEALTHCHECK script finds the app by APP and PORT, as in the container.
          const port = new URL(instance.url).port;
          const healthcheck = spawnSync(process.execPath, [repoPath('deploy', 'docker', 'healthcheck.js')], {
            env: { APP: app, PORT: port },
          });
          expect(healthcheck.status).toBe(0);
          // The image runs node as PID 1 with no shell in front: SIGTERM reaches the app, which shuts down cleanly.
          expect(await instance.stop()).toBe(0);
          const afterStop = spawnSync(process.execPath, [repoPath('deploy', 'docker', 'healthcheck.js')], {
            env: { APP: app, PORT: port },
          });
          expect(afterStop.status).toBe(1);
        },
        60_000,
      );
    },
  );
});
