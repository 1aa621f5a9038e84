import { startDevRegistry } from '@lab/dev-registry';
import { silentLogger } from '@lab/common';

export interface ConsulUnderTest {
  url: string;
  /** Where it came from, for failure messages. */
  source: string;
  close(): Promise<void>;
}

/** Starts the embedded Consul-API registry with checks fast enough for tests. */
export function startEmbeddedConsul(o: { port?: number; aclToken?: string } = {}) {
  return startDevRegistry({
    host: '127.0.0.1',
    port: o.port ?? 0,
    aclToken: o.aclToken,
    minCheckIntervalMs: 50,
    // No DNS listener: a registry restarted on its fixed port would otherwise claim 8600.
    dnsPort: false,
    logger: silentLogger,
  });
}

/**
 * The Consul these tests talk to: TEST_CONSUL_URL when set (a real agent, a container, or the one
 * the test run's global setup resolved), otherwise an embedded registry started for this file.
 */
export async function consulUnderTest(): Promise<ConsulUnderTest> {
  const url = process.env.TEST_CONSUL_URL;
  if (url) return { url, source: 'TEST_CONSUL_URL', close: async () => undefined };
  const embedded = await startEmbeddedConsul();
  return { url: embedded.url, source: 'embedded dev registry', close: () => embedded.close() };
}
