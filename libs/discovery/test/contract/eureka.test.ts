import { startDevRegistry, type DevRegistry } from '@lab/dev-registry';
import { silentLogger } from '@lab/common';
import { EurekaRegistry } from '../../src/backends/eureka-registry';
import { registryContract } from './registry-contract';

// Eureka's timings shrunk for tests: renew every second, a 2 s lease, the server looking for expired
// leases every 200 ms without self-preservation, clients polling deltas every 100 ms.
const RENEWAL_MS = 1000;
const LEASE_MS = 2000;
const EVICTION_MS = 200;
const FETCH_MS = 100;

function startEurekaServer(port = 0): Promise<DevRegistry> {
  return startDevRegistry({
    host: '127.0.0.1',
    port,
    dnsPort: false,
    eureka: { evictionIntervalMs: EVICTION_MS, selfPreservation: false },
    logger: silentLogger,
  });
}

const client = (url: string): EurekaRegistry =>
  new EurekaRegistry({
    url,
    renewalIntervalMs: RENEWAL_MS,
    leaseDurationMs: LEASE_MS,
    fetchIntervalMs: FETCH_MS,
    requestTimeoutMs: 2000,
  });

// The dev registry's Eureka API (the Spring Cloud path, /eureka): the one Eureka server a test can
// start here; the Compose profile `eureka` runs Spring's.
let server: DevRegistry;
beforeAll(async () => {
  server = await startEurekaServer();
});
afterAll(() => server?.close());

registryContract({
  kind: 'eureka',
  connect: () => client(server.eurekaUrl),
  registerUnhealthy: (registry, r) => registry.register({ ...r, status: 'critical' }),
  liveness: {
    what: `lease ${LEASE_MS / 1000} s`,
    process: (r) => ({
      registry: {
        backend: 'eureka',
        eurekaUrl: server.eurekaUrl,
        eurekaRenewalIntervalMs: RENEWAL_MS,
        eurekaLeaseDurationMs: LEASE_MS,
      },
      registration: r,
    }),
    // Eureka evicts once now > last renewal + lease (up to a renewal interval after the kill), on its
    // next eviction run; the watcher sees it on its next delta.
    boundMs: () => LEASE_MS + RENEWAL_MS + EVICTION_MS + FETCH_MS + 1500,
  },
  controlled: {
    start: async () => {
      let running: DevRegistry | undefined = await startEurekaServer();
      const { port, eurekaUrl } = running;
      const stop = async (): Promise<void> => {
        await running?.close();
        running = undefined;
      };
      return {
        connect: () => client(eurekaUrl),
        crash: stop,
        restart: async () => {
          await stop();
          running = await startEurekaServer(port);
        },
        close: stop,
      };
    },
  },
});
