// Eureka's JSON, as its servers write it (Netflix's and Spring Cloud Netflix's): attributes as `@name`
// fields and element text as `$` (`"port": {"$": 8080, "@enabled": "true"}`), one-element lists
// sometimes written as the element itself, an empty metadata map as `{"@class": "..."}`. Pure
// functions: the registry's I/O lives in eureka-registry.ts.
import type { InstanceStatus, ServiceInstance, ServiceRegistration } from '../types';

/** Eureka's instance statuses; only UP instances are listed. */
export type EurekaStatus = 'UP' | 'DOWN' | 'STARTING' | 'OUT_OF_SERVICE' | 'UNKNOWN';

/**
 * Metadata key holding the registration's tags (JSON array): Eureka has metadata but no tags.
 * It is not shown in `meta`.
 */
export const TAGS_METADATA_KEY = 'discovery.tags';

/** An instance as the local copy of the registry holds it. */
export interface EurekaRecord {
  app: string;
  instance: ServiceInstance;
  status: string;
}

/** One GET /apps or /apps/delta answer, read. */
export interface EurekaApplications {
  hashCode: string;
  records: Array<EurekaRecord & { actionType: string }>;
}

/** Eureka stores application names in upper case; lookups use the same. */
export const appName = (service: string): string => service.toUpperCase();

/** The contract's health in Eureka's terms: passing is UP, anything else DOWN (not listed). */
export function eurekaStatus(status: InstanceStatus | undefined): EurekaStatus {
  return (status ?? 'passing') === 'passing' ? 'UP' : 'DOWN';
}

export interface LeaseSettings {
  renewalIntervalSecs: number;
  durationSecs: number;
}

/** The body of POST /apps/<APP>: `{"instance": {...}}` as Eureka's JSON codec reads it. */
export function registrationBody(r: ServiceRegistration, lease: LeaseSettings, dirtyTimestamp: number): unknown {
  const meta = { ...r.meta };
  if (meta[TAGS_METADATA_KEY] !== undefined)
    throw new TypeError(`registration meta must not use the key "${TAGS_METADATA_KEY}": it carries the tags`);
  if (r.tags !== undefined && r.tags.length > 0) meta[TAGS_METADATA_KEY] = JSON.stringify(r.tags);
  const origin = `http://${r.address.includes(':') ? `[${r.address}]` : r.address}:${r.port}`;
  return {
    instance: {
      instanceId: r.id,
      app: appName(r.name),
      hostName: r.address,
      ipAddr: r.address,
      // Spring Cloud sets the VIP address to the application's own name, as clients look it up.
      vipAddress: r.name,
      secureVipAddress: r.name,
      status: eurekaStatus(r.status),
      overriddenStatus: 'UNKNOWN',
      port: { $: r.port, '@enabled': 'true' },
      securePort: { $: 443, '@enabled': 'false' },
      homePageUrl: `${origin}/`,
      statusPageUrl: `${origin}/health/detailed`,
      healthCheckUrl: r.check?.http ?? `${origin}/health/ready`,
      dataCenterInfo: { '@class': 'com.netflix.appinfo.InstanceInfo$DefaultDataCenterInfo', name: 'MyOwn' },
      leaseInfo: { renewalIntervalInSecs: lease.renewalIntervalSecs, durationInSecs: lease.durationSecs },
      metadata: meta,
      lastDirtyTimestamp: String(dirtyTimestamp),
    },
  };
}

/** Eureka's JSON writes a list of one as the element itself, and none as nothing. */
function list(value: unknown): unknown[] {
  if (value === undefined || value === null || value === '') return [];
  return Array.isArray(value) ? value : [value];
}

const text = (value: unknown): string | undefined =>
  typeof value === 'string' ? value : typeof value === 'number' ? String(value) : undefined;

function portOf(value: unknown): { port: number; enabled: boolean } | undefined {
  const v = value !== null && typeof value === 'object' ? (value as Record<string, unknown>) : { $: value };
  const port = Number(v.$);
  if (!Number.isInteger(port) || port < 0 || port > 65535) return undefined;
  const enabled = v['@enabled'] === undefined || v['@enabled'] === true || v['@enabled'] === 'true';
  return { port, enabled };
}

/**
 * An instance of `service` from Eureka's JSON; undefined for one that lacks an id, an address or an
 * enabled port, so that one odd entry never hides the others.
 */
export function readInstance(service: string, value: unknown): (EurekaRecord & { actionType: string }) | undefined {
  if (value === null || typeof value !== 'object') return undefined;
  const v = value as Record<string, unknown>;
  const id = text(v.instanceId) || text(v.hostName);
  const address = text(v.ipAddr) || text(v.hostName);
  const app = text(v.app);
  if (!id || !address || !app) return undefined;
  const plain = portOf(v.port);
  const secure = portOf(v.securePort);
  const port = plain?.enabled ? plain.port : secure?.enabled ? secure.port : plain?.port;
  if (port === undefined) return undefined;
  const meta: Record<string, string> = {};
  let tags: string[] = [];
  if (v.metadata !== null && typeof v.metadata === 'object') {
    for (const [key, item] of Object.entries(v.metadata)) {
      if (key === '@class') continue;
      const value = text(item) ?? (typeof item === 'boolean' ? String(item) : undefined);
      if (value === undefined) continue;
      if (key === TAGS_METADATA_KEY) tags = readTags(value);
      else meta[key] = value;
    }
  }
  return {
    app: app.toUpperCase(),
    instance: { id, name: service, address, port, tags, meta },
    status: (text(v.status) ?? 'UNKNOWN').toUpperCase(),
    actionType: (text(v.actionType) ?? 'ADDED').toUpperCase(),
  };
}

function readTags(value: string): string[] {
  try {
    const parsed: unknown = JSON.parse(value);
    return Array.isArray(parsed) ? parsed.filter((t): t is string => typeof t === 'string') : [];
  } catch {
    return [];
  }
}

/** GET /apps/<APP>'s `{"application": {"name", "instance": [...]}}`. */
export function readApplication(service: string, body: unknown): EurekaRecord[] {
  const application = (body as { application?: { instance?: unknown } } | null)?.application;
  return list(application?.instance)
    .map((i) => readInstance(service, i))
    .filter((r) => r !== undefined);
}

/**
 * GET /apps and /apps/delta: `{"applications": {"apps__hashcode", "application": [...]}}`. Every
 * application is read; the service name of an instance is its app name in lower case (how
 * services here are named: Eureka upper-cases them).
 */
export function readApplications(body: unknown): EurekaApplications {
  const root = (body as { applications?: Record<string, unknown> } | null)?.applications;
  if (root === undefined || root === null || typeof root !== 'object')
    throw new TypeError('not a Eureka applications document (no "applications")');
  const records: EurekaApplications['records'] = [];
  for (const application of list(root.application)) {
    const a = application as { name?: unknown; instance?: unknown } | null;
    const name = text(a?.name);
    if (!name) continue;
    for (const instance of list(a?.instance)) {
      const record = readInstance(name.toLowerCase(), instance);
      if (record !== undefined) records.push(record);
    }
  }
  return { hashCode: text(root.apps__hashcode) ?? '', records };
}

/**
 * Eureka's reconcile hash code of a registry copy: each status with its count, in status order,
 * `DOWN_1_UP_2_`. A client whose copy, after applying a delta, does not give the server's hash
 * has missed a change and fetches everything again.
 */
export function reconcileHashCode(statuses: Iterable<string>): string {
  const counts = new Map<string, number>();
  for (const status of statuses) counts.set(status, (counts.get(status) ?? 0) + 1);
  return [...counts.entries()]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([status, count]) => `${status}_${count}_`)
    .join('');
}
