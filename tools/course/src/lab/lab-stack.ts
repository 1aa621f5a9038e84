import path from 'node:path';

import { stackStateOf, startStack, type RunningStack } from '@lab/dev-stack';
import { writeStackSecret, writeStackState } from '@lab/stack-state';

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
  'ADMIN_TOKEN',
  'ADMIN_TOKEN_FILE',
  'DEV_STACK_STATE',
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
    canary: lab.stack?.canary,
    gatewayPort: 0,
    registryPort: 0,
    freePorts: true,
    env,
    onProgress,
    startTimeoutMs: 90_000,
  });
  // The lab's tools (config, chaos, load, lab check) find this stack as they find `npm start`'s:
  // through a state file, here one of its own (in the stack's credentials folder, removed at stop),
  // never the student's `.dev-stack/state.json`.
  const adminTokenFile = writeStackSecret(path.join(stack.credentialsDir, 'admin-token'), stack.adminToken);
  const stateFile = path.join(stack.credentialsDir, 'state.json');
  writeStackState(stateFile, stackStateOf(stack, { pid: process.pid, adminTokenFile }));
  return {
    stack,
    variables: {
      DEV_STACK_STATE: stateFile,
      ADMIN_TOKEN_FILE: adminTokenFile,
      CONSUL_HTTP_ADDR: stack.registry.address,
      // The stack's management token, as `npm start` prints it: the registry's ACLs deny writes without one.
      CONSUL_HTTP_TOKEN: stack.registry.tokens?.management ?? '',
      ...(stack.registry.dns ? { CONSUL_DNS_PORT: String(stack.registry.dns.port) } : {}),
      GW: stack.gatewayUrl,
      ADMIN_TOKEN: stack.adminToken,
    },
    stop: () => stack.stop(),
  };
}
