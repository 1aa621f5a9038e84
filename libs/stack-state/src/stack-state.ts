import { z } from 'zod';

const httpUrl = z.url({ protocol: /^https?$/ });

/** One process of the running stack: a service instance, the gateway or the dashboard. */
export const stackInstanceSchema = z.object({
  id: z.string().min(1),
  service: z.string().min(1),
  port: z.number().int().min(1).max(65535),
  url: httpUrl,
  /** Absent while the process is between a stop and its restart. */
  pid: z.number().int().positive().optional(),
});

/**
 * What `npm start` tells the command-line tools of a second shell about the stack it runs: where the
 * registry, gateway and dashboard answer, which process serves which instance, and where its admin
 * token is. Written when the stack is ready, removed when it stops.
 */
export const stackStateSchema = z.object({
  version: z.literal(1),
  /** The `npm start` process: the state is stale once it is gone. */
  pid: z.number().int().positive(),
  startedAt: z.iso.datetime(),
  gatewayUrl: httpUrl,
  dashboardUrl: httpUrl.optional(),
  registry: z.object({
    backend: z.enum(['consul', 'etcd', 'zookeeper', 'eureka']),
    /** What a person types to reach it: a URL, endpoints or a ZooKeeper connect string. */
    address: z.string().min(1),
    /** DISCOVERY_BACKEND and its connection variables, as the services were given them. */
    env: z.record(z.string(), z.string()),
    /** Consul's web UI, when the registry serves one. */
    uiUrl: httpUrl.optional(),
    /** Consul's DNS interface (UDP and TCP on 127.0.0.1). */
    dnsPort: z.number().int().min(1).max(65535).optional(),
    /** The registry's ACL token for the tools (CONSUL_HTTP_TOKEN), when it requires one. */
    token: z.string().min(1).optional(),
  }),
  /** A file holding the services' ADMIN_TOKEN (mode 0600), for /admin/* and the dashboard. */
  adminTokenFile: z.string().min(1),
  instances: z.array(stackInstanceSchema),
});

export type StackState = z.output<typeof stackStateSchema>;
export type StackStateInstance = z.output<typeof stackInstanceSchema>;
