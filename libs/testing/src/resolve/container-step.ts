import type { InfraKind } from '../infra-kind';
import { describeError, httpOrigin } from '@lab/common';
import type { StepRunner } from './types';

const DEFAULT_PROBE_TIMEOUT_MS = 3_000;
const DEFAULT_START_TIMEOUT_MS = 60_000;

// One probe per process: the three kinds resolve in parallel and would otherwise ask three times.
let runtimeProbe: Promise<string | undefined> | undefined;

/**
 * Resolves to undefined when a container runtime (Docker, Podman, ...) answers, else to the reason.
 * Without a daemon testcontainers fails at once; a daemon that hangs is cut off by the timeout.
 */
export function containerRuntimeUnavailable(timeoutMs = DEFAULT_PROBE_TIMEOUT_MS): Promise<string | undefined> {
  runtimeProbe ??= (async () => {
    try {
      const { getContainerRuntimeClient } = await import('testcontainers');
      await withTimeout(getContainerRuntimeClient(), timeoutMs);
      return undefined;
    } catch (error) {
      if (error instanceof ProbeTimeout) return `no container runtime answered within ${timeoutMs} ms`;
      // testcontainers' usual words for "nothing is installed or running" add nothing to ours.
      const detail = describeError(error);
      return /could not find a working container runtime/i.test(detail)
        ? 'no container runtime'
        : `no container runtime (${detail})`;
    }
  })();
  return runtimeProbe;
}

/** Step 2: a throwaway container, when a container runtime is present. */
export function containerStep(kind: InfraKind): StepRunner {
  return async (o) => {
    const unavailable = await containerRuntimeUnavailable(o.containerProbeTimeoutMs);
    if (unavailable) return { skipped: unavailable };
    const started = await withTimeout(startContainer(kind), o.startTimeoutMs ?? DEFAULT_START_TIMEOUT_MS);
    return { url: started.url, stop: async () => void (await started.stop()) };
  };
}

async function startContainer(kind: InfraKind): Promise<{ url: string; stop(): Promise<unknown> }> {
  switch (kind) {
    case 'postgres': {
      const { PostgreSqlContainer } = await import('@testcontainers/postgresql');
      const container = await new PostgreSqlContainer('postgres:17-alpine').start();
      return { url: container.getConnectionUri(), stop: () => container.stop() };
    }
    case 'redis': {
      const { RedisContainer } = await import('@testcontainers/redis');
      const container = await new RedisContainer('redis:7-alpine').start();
      return { url: container.getConnectionUrl(), stop: () => container.stop() };
    }
    case 'consul': {
      const { GenericContainer, Wait } = await import('testcontainers');
      const container = await new GenericContainer('hashicorp/consul:1.21')
        .withCommand(['agent', '-dev', '-client', '0.0.0.0'])
        .withExposedPorts(8500)
        // "" means no leader yet; registrations made before a leader exists fail.
        .withWaitStrategy(Wait.forHttp('/v1/status/leader', 8500).forResponsePredicate((body) => body !== '""'))
        .start();
      return { url: httpOrigin(container.getHost(), container.getMappedPort(8500)), stop: () => container.stop() };
    }
    case 'etcd': {
      const { GenericContainer, Wait } = await import('testcontainers');
      const container = await new GenericContainer('quay.io/coreos/etcd:v3.5.17')
        .withCommand([
          'etcd',
          '--listen-client-urls',
          'http://0.0.0.0:2379',
          '--advertise-client-urls',
          'http://0.0.0.0:2379',
        ])
        .withExposedPorts(2379)
        .withWaitStrategy(Wait.forHttp('/health', 2379))
        .start();
      return { url: httpOrigin(container.getHost(), container.getMappedPort(2379)), stop: () => container.stop() };
    }
    case 'zookeeper': {
      const { GenericContainer, Wait } = await import('testcontainers');
      // A 500 ms tick allows the short sessions the expiry tests use (the minimum is two ticks).
      const container = await new GenericContainer('zookeeper:3.9')
        .withEnvironment({ ZOO_TICK_TIME: '500', ZOO_MAX_CLIENT_CNXNS: '0', ZOO_ADMINSERVER_ENABLED: 'false' })
        .withExposedPorts(2181)
        .withWaitStrategy(Wait.forListeningPorts())
        .start();
      return { url: `${container.getHost()}:${container.getMappedPort(2181)}`, stop: () => container.stop() };
    }
  }
}

class ProbeTimeout extends Error {}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new ProbeTimeout(`timed out after ${ms} ms`)), ms);
    timer.unref();
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}
