import { ConsulRegistry } from '../../src/backends/consul-registry';
import type { ConsulUnderTest } from '../support/consul';
import { consulUnderTest, startEmbeddedConsul } from '../support/consul';
import { freePort } from '../support/infra';
import { registryContract } from './registry-contract';

// Short waits everywhere: blocking queries return within a second, failed watch requests retry fast.
const fast = {
  blockingWait: '1s',
  requestTimeoutMs: 2000,
  watchBackoff: { baseDelayMs: 20, maxDelayMs: 200 },
  watchRateLimit: { burst: 2, refillMs: 20 },
};

// The agent at TEST_CONSUL_URL when set (a real Consul, or the run's embedded registry), else an
// embedded registry for this file. Restarts always use an embedded one: the test must own it.
let consul: ConsulUnderTest;
beforeAll(async () => {
  consul = await consulUnderTest();
});
afterAll(() => consul?.close());

registryContract({
  kind: 'consul',
  connect: () => new ConsulRegistry({ url: consul.url, ...fast }),
  // An HTTP check against a port nobody listens on: critical from the first probe on.
  registerUnhealthy: async (registry, r) =>
    registry.register({
      ...r,
      check: { http: `http://127.0.0.1:${await freePort()}/health`, interval: '100ms', timeout: '1s' },
    }),
  liveness: {
    what: 'HTTP check every 200 ms',
    process: (r) => ({
      registry: { backend: 'consul', consulUrl: consul.url },
      registration: r,
      serveHealth: { interval: '200ms', deregisterCriticalServiceAfter: '1s' },
    }),
    // A real agent raises check intervals below 1 s to 1 s; allow a few of them.
    boundMs: () => 5000,
  },
  controlled: {
    start: async () => {
      let server: Awaited<ReturnType<typeof startEmbeddedConsul>> | undefined = await startEmbeddedConsul();
      const { port, url } = server;
      const stop = async (): Promise<void> => {
        await server?.close();
        server = undefined;
      };
      return {
        connect: () => new ConsulRegistry({ url, ...fast }),
        crash: stop,
        restart: async () => {
          await stop();
          server = await startEmbeddedConsul({ port });
        },
        close: stop,
      };
    },
  },
});
