import type { ServiceInstance } from '@lab/discovery';
import { faultInjectionSchema, type FaultInjection } from '@lab/service-kit';
import type { InstanceView, RegistryHealth, SettingView } from '../view/system-view';
import type { ConfigReport, HealthDetail } from './instance-reports';
import { TrafficWindow } from './traffic';

/** How long a window the traffic figures cover. */
export const TRAFFIC_WINDOW_MS = 10_000;

/** What the dashboard has learnt about one instance from its own endpoints, probe after probe. */
export class InstanceState {
  health?: HealthDetail;
  healthError?: string;
  /** The /admin/config report and the config version it describes. */
  config?: { version: number; report?: ConfigReport; error?: string };
  readonly traffic = new TrafficWindow(TRAFFIC_WINDOW_MS);
  metricsError?: string;
  /** The registry's view of it (status, check output), where the registry offers a catalog. */
  registry: RegistryHealth = { status: 'passing' };
  /** Set while a probe runs, so a slow instance never has two at once. */
  busy = false;

  constructor(public instance: ServiceInstance) {}

  /** Whether /admin/config must be read again: never read, or the live configuration has moved on. */
  needsConfig(): boolean {
    const version = this.health?.config?.version;
    return version !== undefined && (this.config === undefined || this.config.version !== version);
  }

  view(): InstanceView {
    const { instance, health } = this;
    const values = this.config?.report?.values;
    const settings: SettingView[] = [];
    const flags: SettingView[] = [];
    for (const [path, { value, source }] of Object.entries(values ?? {})) {
      if (path.startsWith('flags.')) flags.push({ path: path.slice('flags.'.length), value, source });
      else if (!path.startsWith('fault.')) settings.push({ path, value, source });
    }
    const caches = new Map((health?.services ?? []).map((c) => [c.service, c]));
    const policies = new Map((health?.policies ?? []).map((p) => [p.name, p]));
    const names = [...new Set([...caches.keys(), ...policies.keys()])].sort();
    return {
      service: instance.name,
      id: instance.id,
      address: instance.address,
      port: instance.port,
      version: instance.meta.version,
      zone: instance.meta.zone,
      registry: this.registry,
      probe: {
        reachable: this.healthError === undefined && health !== undefined,
        error: this.healthError,
        status: health?.status,
        draining: health?.draining,
        failingChecks: Object.entries(health?.checks ?? {})
          .filter(([, check]) => check.status !== 'pass')
          .map(([name, check]) => ({ name, critical: check.critical, error: check.lastError ?? undefined })),
      },
      dependencies: names.map((name) => ({ name, policy: policies.get(name), cache: caches.get(name) })),
      config: {
        status: health?.config,
        settings: values && settings,
        flags: values && flags,
        error: this.config?.error,
      },
      fault: faultInForce(values),
    };
  }
}

/**
 * The fault injection in force, rebuilt from the leaves /admin/config reports (`fault.abort.httpStatus`)
 * and read with the services' own schema; undefined when nothing is injected.
 */
function faultInForce(values: ConfigReport['values'] | undefined): FaultInjection | undefined {
  const fault: Record<string, Record<string, unknown>> = {};
  for (const [path, { value }] of Object.entries(values ?? {})) {
    const [root, kind, field] = path.split('.');
    if (root !== 'fault' || kind === undefined || field === undefined) continue;
    (fault[kind] ??= {})[field] = value;
  }
  const parsed = faultInjectionSchema.safeParse(fault);
  return parsed.success && Object.keys(parsed.data).length > 0 ? parsed.data : undefined;
}
