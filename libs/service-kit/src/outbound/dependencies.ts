import { ServiceDirectory, type CallPolicyLike, type ServiceRegistry } from '@lab/discovery';
import { createCallPolicy, type CallPolicy } from '@lab/resilience';
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
  close(): Promise<void>;
}

/**
 * Outbound calls: instances come from the registry through watched caches, each dependency has one
 * resilience policy (timeout, retries, breaker), and every call carries the current x-request-id.
 */
export function createDependencies(o: { registry: ServiceRegistry; timeoutMs: number; log: Logger }): Dependencies {
  const policies = new Map<string, NamedPolicy>();

  function named(service: string): NamedPolicy {
    let policy = policies.get(service);
    if (policy === undefined) {
      const log = o.log.child({ dependency: service });
      policy = new NamedPolicy(service, createCallPolicy(service, {
        timeoutMs: o.timeoutMs,
        logger: log,
        isFailure: countsAgainstBreaker,
      }));
      policies.set(service, policy);
    }
    return policy;
  }

  const directory = new ServiceDirectory({
    registry: o.registry,
    policyFor: named,
    outboundHeaders: outboundRequestHeaders,
    timeoutMs: o.timeoutMs,
    logger: o.log,
  });

  return {
    directory,
    policyFor: (service) => named(service).policy,
    snapshots: () => Array.from(policies.values(), (p) => p.policy.snapshot()),
    async close() {
      await directory.close();
      for (const p of policies.values()) p.policy.shutdown();
      policies.clear();
    },
  };
}
