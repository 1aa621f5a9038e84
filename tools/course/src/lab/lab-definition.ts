import type { ServiceName } from '@lab/dev-stack';

/** The running system a checkpoint inspects: the student's `npm start`, or the runner's own stack. */
export interface LabSystem {
  /** Consul's HTTP API (dev-registry or a Consul agent), with the student's token on every request. */
  consul: {
    address: string;
    /** GET a path such as `/v1/agent/service/payments-1`; resolves with the JSON body, or undefined on 404. */
    get<T = unknown>(path: string): Promise<T | undefined>;
  };
  gatewayUrl: string;
  /** The passing instances of a service, as the registry lists them (`?passing`), by id. */
  instances(service: string): Promise<LabInstance[]>;
  /**
   * GET a URL of the stack (an instance's `/health/detailed`, the gateway); resolves with the JSON
   * body (`text: true`: the body as text, say `/metrics`), or undefined on 404. `admin: true` sends
   * the student's ADMIN_TOKEN, for `/admin/*` routes.
   */
  get<T = unknown>(url: string, o?: { admin?: boolean; text?: boolean }): Promise<T | undefined>;
}

export interface LabInstance {
  id: string;
  /** Where it answers: http://address:port. */
  url: string;
}

export type CheckpointResult = { met: true } | { met: false; missing: string };

export interface Checkpoint {
  /** What is true once the student got there, e.g. "payments-2 is registered with an HTTP, a TCP and a TTL check". */
  title: string;
  /** Looks at the running system; says what is missing when the checkpoint is not met. */
  check(system: LabSystem): Promise<CheckpointResult>;
}

/** A lab's `lab.ts`: what its steps need from the stack, and its checkpoints. */
export interface LabDefinition {
  /** The stack the runner starts for this lab (default: one instance of each service). */
  stack?: {
    replicas?: Partial<Record<ServiceName, number>>;
    /** Services whose last instance runs as version v2 (`npm start -- --canary <service>`). */
    canary?: ServiceName[];
  };
  checkpoints: Checkpoint[];
}
