import { randomUUID } from 'node:crypto';
import type { ChangeFeed } from './change-feed';
import type { CheckInput, CheckRecord, CheckStatus, NodeRecord, ServiceInput, ServiceRecord } from './types';

export const SERF_CHECK_ID = 'serfHealth';

export interface CatalogStoreOptions {
  nodeName?: string;
  nodeAddress?: string;
  datacenter?: string;
  now?: () => number;
}

export interface RegistrationResult {
  service: ServiceRecord;
  /** Checks now attached to the service that were (re)defined by this registration. */
  checks: CheckRecord[];
  /** Checks that this registration removed (replace-existing-checks). */
  removedCheckIds: string[];
}

export type StatusUpdate = 'unknown' | 'unchanged' | 'output-only' | 'changed';

/**
 * The single node's services and checks, with the indexes blocking queries read. Records are
 * replaced, never mutated, so a reader always sees one consistent version of each.
 *
 * Index bookkeeping follows Consul: each service name has an index that moves whenever an instance
 * of it or any check covering it changes status (node checks cover every service), and stays after
 * the last instance is gone so a watcher of a deregistered name still wakes up.
 */
export class CatalogStore {
  readonly node: NodeRecord;
  private readonly services = new Map<string, ServiceRecord>();
  private readonly checks = new Map<string, CheckRecord>();
  private readonly checksByService = new Map<string, Set<string>>();
  private readonly nameIndex = new Map<string, number>();
  private servicesIndex: number;
  private checksIndex: number;
  private readonly now: () => number;

  constructor(
    private readonly feed: ChangeFeed,
    options: CatalogStoreOptions = {},
  ) {
    this.now = options.now ?? Date.now;
    const index = feed.next();
    this.node = {
      id: randomUUID(),
      name: options.nodeName ?? 'dev-registry',
      address: options.nodeAddress ?? '127.0.0.1',
      datacenter: options.datacenter ?? 'dc1',
      createIndex: index,
      modifyIndex: index,
    };
    this.checks.set(SERF_CHECK_ID, {
      checkId: SERF_CHECK_ID,
      name: 'Serf Health Status',
      notes: '',
      serviceId: '',
      serviceName: '',
      status: 'passing',
      output: 'Agent alive and reachable',
      statusSince: this.now(),
      createIndex: index,
      modifyIndex: index,
    });
    // Consul's servers register themselves as the `consul` service; clients expect to see it.
    this.services.set('consul', {
      id: 'consul',
      name: 'consul',
      address: '',
      port: 8300,
      tags: [],
      meta: {},
      enableTagOverride: false,
      weights: { Passing: 1, Warning: 1 },
      agentManaged: false,
      createIndex: index,
      modifyIndex: index,
    });
    this.nameIndex.set('consul', index);
    this.servicesIndex = index;
    this.checksIndex = index;
    feed.publish();
  }

  // ---- writes -------------------------------------------------------------------------------

  /**
   * Adds or replaces a service with its checks in one write. A check that already exists keeps its
   * status and output unless the registration states one; with `replaceExistingChecks` the
   * service's checks not named here are removed.
   */
  registerService(
    input: ServiceInput,
    checks: readonly CheckInput[],
    replaceExistingChecks: boolean,
  ): RegistrationResult {
    const index = this.feed.next();
    const previous = this.services.get(input.id);
    const service: ServiceRecord = sameService(previous, input)
      ? previous!
      : {
          ...input,
          agentManaged: true,
          createIndex: previous?.createIndex ?? index,
          modifyIndex: index,
        };
    this.services.set(input.id, service);
    if (service !== previous) {
      this.servicesIndex = index;
      this.nameIndex.set(service.name, index);
      if (previous && previous.name !== service.name) this.nameIndex.set(previous.name, index);
    }

    const written = checks.map((check) => this.putCheck(check, service, index));
    const removedCheckIds: string[] = [];
    if (replaceExistingChecks) {
      const keep = new Set(checks.map((c) => c.checkId));
      for (const checkId of [...(this.checksByService.get(service.id) ?? [])]) {
        if (!keep.has(checkId)) {
          this.dropCheck(checkId, index);
          removedCheckIds.push(checkId);
        }
      }
    }
    this.feed.publish();
    return { service, checks: written, removedCheckIds };
  }

  /** Removes an agent-managed service and its checks; undefined when there is none with that ID. */
  deregisterService(serviceId: string): { service: ServiceRecord; removedCheckIds: string[] } | undefined {
    const service = this.services.get(serviceId);
    if (!service?.agentManaged) return undefined;
    const index = this.feed.next();
    const removedCheckIds = [...(this.checksByService.get(serviceId) ?? [])];
    for (const checkId of removedCheckIds) this.dropCheck(checkId, index);
    this.services.delete(serviceId);
    this.checksByService.delete(serviceId);
    this.servicesIndex = index;
    this.nameIndex.set(service.name, index);
    this.feed.publish();
    return { service, removedCheckIds };
  }

  /** Adds or replaces one check (node-level when serviceId is ''); undefined when the service is unknown. */
  registerCheck(input: CheckInput): CheckRecord | undefined {
    const service = input.serviceId === '' ? undefined : this.services.get(input.serviceId);
    if (input.serviceId !== '' && !service?.agentManaged) return undefined;
    const index = this.feed.next();
    const record = this.putCheck(input, service, index);
    this.feed.publish();
    return record;
  }

  /** Removes a check the agent manages; false when there is none (serfHealth is not removable). */
  deregisterCheck(checkId: string): boolean {
    if (checkId === SERF_CHECK_ID || !this.checks.has(checkId)) return false;
    this.dropCheck(checkId, this.feed.next());
    this.feed.publish();
    return true;
  }

  /**
   * Records a check result. Only a status change is a write (it moves the indexes and wakes
   * watchers); a new output under the same status is kept without one, the way a Consul agent
   * defers output-only changes instead of syncing them to the catalog at once.
   */
  updateCheck(checkId: string, status: CheckStatus, output: string): StatusUpdate {
    const current = this.checks.get(checkId);
    if (!current || checkId === SERF_CHECK_ID) return 'unknown';
    if (current.status === status) {
      if (current.output === output) return 'unchanged';
      this.checks.set(checkId, { ...current, output });
      return 'output-only';
    }
    const index = this.feed.next();
    this.checks.set(checkId, { ...current, status, output, statusSince: this.now(), modifyIndex: index });
    this.touchCheckIndexes(current.serviceId, index);
    this.feed.publish();
    return 'changed';
  }

  // ---- reads --------------------------------------------------------------------------------

  service(serviceId: string): ServiceRecord | undefined {
    return this.services.get(serviceId);
  }

  check(checkId: string): CheckRecord | undefined {
    return this.checks.get(checkId);
  }

  /** Every service, the built-in `consul` one included, ordered by ID. */
  allServices(): ServiceRecord[] {
    return [...this.services.values()].sort(byId);
  }

  /** Instances of one service name, ordered by ID. */
  instancesOf(name: string): ServiceRecord[] {
    return this.allServices().filter((s) => s.name === name);
  }

  /** Node checks first (serfHealth leading), then checks ordered by CheckID. */
  allChecks(): CheckRecord[] {
    return [...this.checks.values()].sort(checkOrder);
  }

  nodeChecks(): CheckRecord[] {
    return this.allChecks().filter((c) => c.serviceId === '');
  }

  checksOfService(serviceId: string): CheckRecord[] {
    const ids = this.checksByService.get(serviceId);
    if (!ids) return [];
    return [...ids].map((id) => this.checks.get(id)!).sort(checkOrder);
  }

  /** Index of everything a health or catalog read of `name` covers. */
  serviceNameIndex(name: string): number {
    return this.nameIndex.get(name) ?? this.servicesIndex;
  }

  /** Index of the service list (moves on registration and deregistration, not on check results). */
  get servicesTableIndex(): number {
    return this.servicesIndex;
  }

  /** Index of the check table (moves on any check change). */
  get checksTableIndex(): number {
    return this.checksIndex;
  }

  // ---- internals ----------------------------------------------------------------------------

  private putCheck(input: CheckInput, service: ServiceRecord | undefined, index: number): CheckRecord {
    const previous = this.checks.get(input.checkId);
    const status = input.status ?? previous?.status ?? 'critical';
    const keepsStatus = previous !== undefined && previous.status === status;
    const record: CheckRecord = {
      checkId: input.checkId,
      name: input.name,
      notes: input.notes,
      serviceId: input.serviceId,
      serviceName: service?.name ?? '',
      status,
      output: keepsStatus ? previous.output : '',
      definition: input.definition,
      statusSince: keepsStatus ? previous.statusSince : this.now(),
      createIndex: previous?.createIndex ?? index,
      modifyIndex: index,
    };
    // Re-registering an identical check is not a change: watchers must not wake for it.
    if (previous && sameCheck(previous, record)) return previous;
    if (previous && previous.serviceId !== input.serviceId) this.unlinkCheck(previous);
    this.checks.set(record.checkId, record);
    if (record.serviceId !== '') {
      let ids = this.checksByService.get(record.serviceId);
      if (!ids) this.checksByService.set(record.serviceId, (ids = new Set()));
      ids.add(record.checkId);
    }
    this.touchCheckIndexes(record.serviceId, index);
    return record;
  }

  private dropCheck(checkId: string, index: number): void {
    const check = this.checks.get(checkId);
    if (!check) return;
    this.checks.delete(checkId);
    this.unlinkCheck(check);
    this.touchCheckIndexes(check.serviceId, index);
  }

  private unlinkCheck(check: CheckRecord): void {
    this.checksByService.get(check.serviceId)?.delete(check.checkId);
  }

  /** A service check moves its service name's index; a node check moves every name on the node. */
  private touchCheckIndexes(serviceId: string, index: number): void {
    this.checksIndex = index;
    if (serviceId === '') {
      for (const service of this.services.values()) this.nameIndex.set(service.name, index);
      return;
    }
    const service = this.services.get(serviceId);
    if (service) this.nameIndex.set(service.name, index);
  }
}

function sameService(previous: ServiceRecord | undefined, input: ServiceInput): boolean {
  if (!previous?.agentManaged) return false;
  return (
    previous.name === input.name &&
    previous.address === input.address &&
    previous.port === input.port &&
    previous.enableTagOverride === input.enableTagOverride &&
    previous.weights.Passing === input.weights.Passing &&
    previous.weights.Warning === input.weights.Warning &&
    sameList(previous.tags, input.tags) &&
    sameRecord(previous.meta, input.meta)
  );
}

function sameCheck(a: CheckRecord, b: CheckRecord): boolean {
  return (
    a.name === b.name &&
    a.notes === b.notes &&
    a.serviceId === b.serviceId &&
    a.serviceName === b.serviceName &&
    a.status === b.status &&
    JSON.stringify(a.definition) === JSON.stringify(b.definition)
  );
}

function sameList(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((v, i) => v === b[i]);
}

function sameRecord(a: Readonly<Record<string, string>>, b: Readonly<Record<string, string>>): boolean {
  const keys = Object.keys(a);
  return keys.length === Object.keys(b).length && keys.every((k) => Object.hasOwn(b, k) && a[k] === b[k]);
}

const byId = (a: { id: string }, b: { id: string }): number => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);

function checkOrder(a: CheckRecord, b: CheckRecord): number {
  // Node checks (serfHealth first) precede service checks, as in Consul's health output.
  const rank = (c: CheckRecord): number => (c.checkId === SERF_CHECK_ID ? 0 : c.serviceId === '' ? 1 : 2);
  const diff = rank(a) - rank(b);
  if (diff !== 0) return diff;
  return a.checkId < b.checkId ? -1 : a.checkId > b.checkId ? 1 : 0;
}
