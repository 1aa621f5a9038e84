import {
  ServiceDirectory,
  createBalancer,
  type BalancerKind,
  type CallPolicyLike,
  type ServiceRegistry,
} from '@lab/discovery';
import { createCallPolicy, type CallPolicy, type PolicyOverrides } from '@lab/resilience';
import type { Logger } from 'pino';
import { errorCode, tagDependency } from '../http/dependency-errors';
import { outboundRequestHeaders } from '../http/request-context';

/** A dependency's policy that stamps its failures with the dependency's name, for the 503 detail. */
class NamedPolicy implements CallPolicyLike {
  constructor(
    readonly dependency: string,
    readonly policy: CallPolicy,
  ) {}

  async execute<T>(fn: (signal: AbortSignal) => Promise<T>, opts: { idempotent: boolean }): Promise<T> {
    try {
      return await this.policy.execute(fn, opts);
    } catch (error) {
      throw tagDependency(error, this.dependency);
    }
  }
}

/**
 * An empty instance list is not the dependency failing: no call was made, and an open breaker
 * would only keep rejecting for resetTimeoutMs after instances come back.
 */
function countsAgainstBreaker(error: unknown): boolean {
  return errorCode(error) !== 'NO_HEALTHY_INSTANCE';
}

export interface Dependencies {
  directory: ServiceDirectory;
  /** The policy guarding calls to `service`, created on first use. */
  policyFor(service: string): CallPolicy;
  snapshots(): ReturnType<CallPolicy['snapshot']>[];
  /** The policy named `name` among those made so far (never creates one): for operator actions. */
  existingPolicy(name: string): CallPolicy | undefined;
  /** Reports a policy the service made itself (e.g. around its own database) with the others. */
  track(policy: CallPolicy): void;
  /** Applies policySettings() again to every policy, e.g. after a configuration change. */
  updatePolicies(): void;
  close(): Promise<void>;
}

/**
 * Outbound calls: instances come from the registry through watched caches, each dependency has one
 * resilience policy (timeout, retries, breaker), and every call carries the current x-request-id.
 */
export interface DependenciesOptions {
  registry: ServiceRegistry;
  /** OUTBOUND_TIMEOUT_MS: the deadline of each call, unless the settings of its policy name another. */
  timeoutMs: number;
  /** MESH_MODE: the mesh retries, so the policies never do, whatever their settings say. */
  meshMode: boolean;
  /**
   * What the configuration sets for the policy towards `service` now, read when it is created and
   * on updatePolicies(). What it leaves out is timeoutMs and the policy's defaults, so a setting
   * removed from the configuration goes back to its default.
   */
  policySettings(service: string): PolicyOverrides | undefined;
  /** Called with each policy as it is created (metrics). */
  onPolicy?(policy: CallPolicy): void;
  /** LB_STRATEGY: how an instance is picked; one balancer per dependency, they keep state. */
  balancer: BalancerKind;
  /** ZONE: instances in this zone are preferred when there are any. */
  zone?: string;
  /** Headers proving this service's identity to the service called (its service token). */
  credentials?: (service: string) => Promise<Record<string, string>>;
  log: Logger;
}

export function createDependencies(o: DependenciesOptions): Dependencies {
  const policies = new Map<string, NamedPolicy>();
  // Policies the service owns (and shuts down) itself: reported here, never updated or closed here.
  const tracked: CallPolicy[] = [];

  const settingsFor = (service: string): PolicyOverrides => {
    const settings = o.policySettings(service) ?? {};
    return o.meshMode ? { ...settings, retriesEnabled: false } : settings;
  };

  function named(service: string): NamedPolicy {
    let policy = policies.get(service);
    if (policy === undefined) {
      const log = o.log.child({ dependency: service });
      const created = createCallPolicy(service, {
        timeoutMs: o.timeoutMs,
        logger: log,
        isFailure: countsAgainstBreaker,
      });
      created.configure(settingsFor(service));
      policy = new NamedPolicy(service, created);
      policies.set(service, policy);
      o.onPolicy?.(policy.policy);
    }
    return policy;
  }

  const directory = new ServiceDirectory({
    registry: o.registry,
    policyFor: named,
    outboundHeaders: outboundRequestHeaders,
    credentials: o.credentials,
    timeoutMs: o.timeoutMs,
    balancer: () => createBalancer(o.balancer),
    zone: o.zone,
    logger: o.log,
  });

  return {
    directory,
    policyFor: (service) => named(service).policy,
    snapshots: () => [
      ...Array.from(policies.values(), (p) => p.policy.snapshot()),
      ...tracked.map((p) => p.snapshot()),
    ],
    existingPolicy: (name) => policies.get(name)?.policy ?? tracked.find((p) => p.name === name),
    track(policy) {
      tracked.push(policy);
      o.onPolicy?.(policy);
    },
    updatePolicies() {
      for (const { dependency, policy } of policies.values()) {
        try {
          policy.configure(settingsFor(dependency));
        } catch (error) {
          // Validated with the configuration already; should the policy still refuse, it keeps
          // running with the options it had (an update is all or nothing).
          o.log.error({ err: error, dependency }, 'policy update refused');
        }
      }
    },
    async close() {
      await directory.close();
      for (const p of policies.values()) p.policy.shutdown();
      policies.clear();
    },
  };
}
