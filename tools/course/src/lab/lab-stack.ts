import { startStack, type RunningStack } from '@lab/dev-stack';

import type { LabDefinition } from './lab-definition';
import { REPOSITORY_ROOT } from '../repository-root';

export interface LabStack {
  stack: RunningStack;
  /** What a student exports in a lab's first step, for this stack: see labs/README.md. */
  variables: Record<string, string>;
  stop(): Promise<void>;
}

/** Variables of the caller's shell that would point the new stack at another registry or Redis. */
const INHERITED_CONNECTIONS = [
  'REDIS_URL',
  'CONSUL_URL',
  'ETCD_ENDPOINTS',
  'ZOOKEEPER_CONNECT',
  'EUREKA_URL',
  'EUREKA_CONFIG_KV_URL',
  'DISCOVERY_BACKEND',
  'CONSUL_HTTP_ADDR',
  'CONSUL_HTTP_TOKEN',
  'CONSUL_DNS_PORT',
  'GW',
];

/**
 * A fresh stack for one lab run, as `npm start` builds it but on free ports, so that it runs beside
 * a student's own stack and beside other test runs.
 */
export async function startLabStack(lab: LabDefinition, onProgress?: (message: string) => void): Promise<LabStack> {
  const env = { ...process.env };
  for (const name of INHERITED_CONNECTIONS) delete env[name];
  const stack = await startStack({
    rootDir: REPOSITORY_ROOT,
    replicas: lab.stack?.replicas,
    gatewayPort: 0,
    registryPort: 0,
    freePorts: true,
    env,
    onProgress,
    startTimeoutMs: 90_000,
  });
  return {
    stack,
    variables: {
      CONSUL_HTTP_ADDR: stack.registry.address,
      // The stack's registry accepts every request without a token today; a lab still sends the
      // header, so the same commands work against a registry with ACLs.
      CONSUL_HTTP_TOKEN: '',
      ...(stack.registry.dns ? { CONSUL_DNS_PORT: String(stack.registry.dns.port) } : {}),
      GW: stack.gatewayUrl,
    },
    stop: () => stack.stop(),
  };
}
