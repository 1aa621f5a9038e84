import type { StackState } from '@lab/stack-state';

import type { RunningStack } from './stack';

/**
 * The state file's content for a running stack: its addresses, each instance's process, and the
 * registry's connection variables. `pid` is the process that keeps the stack running.
 */
export function stackStateOf(stack: RunningStack, o: { pid: number; adminTokenFile: string }): StackState {
  const { registry } = stack;
  // The management token: a person's tools (config, chaos, load, lab, Consul's CLI) act with every right.
  const token = registry.tokens?.management ?? registry.env.CONSUL_HTTP_TOKEN ?? registry.env.CONSUL_TOKEN;
  return {
    version: 1,
    pid: o.pid,
    startedAt: new Date().toISOString(),
    gatewayUrl: stack.gatewayUrl,
    ...(stack.dashboardUrl ? { dashboardUrl: stack.dashboardUrl } : {}),
    registry: {
      backend: registry.backend,
      address: registry.address,
      env: registry.env,
      ...(registry.backend === 'consul' ? { uiUrl: `${registry.address.replace(/\/$/, '')}/ui/` } : {}),
      ...(registry.dns ? { dnsPort: registry.dns.port } : {}),
      ...(token ? { token } : {}),
    },
    adminTokenFile: o.adminTokenFile,
    instances: stack.instances.map((i) => ({
      id: i.id,
      service: i.service,
      port: i.port,
      url: i.url,
      ...(i.process.pid ? { pid: i.process.pid } : {}),
    })),
  };
}
