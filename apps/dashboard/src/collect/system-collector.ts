import type { ServiceDirectory, ServiceInstance } from '@lab/discovery';
import type { Logger } from 'pino';
import type { RegistryHealth, ServiceView, SystemView } from '../view/system-view';
import { ProbeError, type InstanceProbe } from './instance-probe';
import { InstanceState } from './instance-state';
import { mergeDeltas, routeDeltas, summarizeRoutes, trafficSnapshot, versionShares, type RouteDelta } from './traffic';

/** An instance the registry holds, healthy or not, with its check's status and output. */
export interface CatalogInstance {
  id: string;
  address: string;
  port: number;
  health: RegistryHealth;
}

/** What the registry can tell beyond the healthy list, where its backend offers a catalog (Consul). */
export interface RegistryCatalog {
  /** Every service name registered. */
  services(): Promise<string[]>;
  /** Every instance of a service, whatever its health, with its checks' status and output. */
  instances(service: string): Promise<CatalogInstance[]>;
}

export interface SystemCollectorOptions {
  /** The services to show from the start; the catalog adds the ones registered later. */
  services: readonly string[];
  /** The dashboard's own watched caches (service-kit's ctx.services): what every client sees. */
  directory: ServiceDirectory;
  registryKind: string;
  probe: InstanceProbe;
  catalog?: RegistryCatalog;
  /** How often each instance's /health/detailed is read; /metrics every other time. */
  intervalMs: number;
  log: Logger;
}

/** How often the watched caches are looked at, so instances coming and going show at once. */
const WATCH_LOOK_MS = 100;

/**
 * Keeps the picture of the whole system: the services and their healthy instances from the
 * registry (the watched caches, so an instance leaving shows as soon as the registry says so),
 * and what each instance reports about itself (health, policies, live configuration, traffic).
 * It works only while someone looks (hold()), so an unwatched dashboard costs the services nothing.
 */
export class SystemCollector {
  private readonly states = new Map<string, InstanceState>();
  private readonly services = new Set<string>();
  private readonly lists = new Map<string, readonly ServiceInstance[]>();
  private readonly failing = new Map<string, CatalogInstance[]>();
  private readonly listeners = new Set<(view: SystemView) => void>();
  private current: SystemView;
  private holds = 0;
  private ticks = 0;
  private timers: NodeJS.Timeout[] = [];
  private round: Promise<void> | undefined;

  constructor(private readonly o: SystemCollectorOptions) {
    for (const service of o.services) this.addService(service);
    this.current = this.build();
  }

  view(): SystemView {
    return this.current;
  }

  /** Called with every new picture while someone holds the collector. */
  subscribe(listener: (view: SystemView) => void): () => void {
    this.listeners.add(listener);
    return () => void this.listeners.delete(listener);
  }

  /** Keeps the collector working until the returned function is called (a live page is open). */
  hold(): () => void {
    this.holds += 1;
    if (this.holds === 1) this.start();
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.holds -= 1;
      if (this.holds === 0) this.stop();
    };
  }

  /** A current picture: one probe round now unless rounds are running anyway. */
  async fresh(): Promise<SystemView> {
    if (this.holds === 0) await this.probeRound();
    return this.current;
  }

  /** Probes one service's instances now (after an action), so the answer shows without waiting a tick. */
  async refresh(service: string): Promise<SystemView> {
    this.syncLists();
    await Promise.all(
      [...this.states.values()].filter((s) => s.instance.name === service).map((s) => this.probeInstance(s, false)),
    );
    this.publish();
    return this.current;
  }

  /** The instance with this id among the healthy ones, for actions aimed at one instance. */
  instance(id: string): ServiceInstance | undefined {
    return this.states.get(id)?.instance;
  }

  knownServices(): string[] {
    return [...this.services].sort();
  }

  close(): void {
    this.stop();
    this.listeners.clear();
  }

  private start(): void {
    const tick = setInterval(() => void this.probeRound(), this.o.intervalMs);
    const look = setInterval(() => {
      if (this.syncLists()) this.publish();
    }, WATCH_LOOK_MS);
    this.timers = [tick, look];
    void this.probeRound();
  }

  private stop(): void {
    for (const timer of this.timers) clearInterval(timer);
    this.timers = [];
  }

  private addService(service: string): void {
    if (this.services.has(service)) return;
    this.services.add(service);
    this.o.directory.cache(service).start();
  }

  /** Takes the caches' current lists; true when one of them changed. The lists are frozen arrays, replaced on change. */
  private syncLists(): boolean {
    let changed = false;
    const alive = new Set<string>();
    for (const service of this.services) {
      const list = this.o.directory.cache(service).instances();
      if (this.lists.get(service) !== list) {
        this.lists.set(service, list);
        changed = true;
      }
      for (const instance of list) {
        alive.add(instance.id);
        const state = this.states.get(instance.id);
        if (state === undefined) this.states.set(instance.id, new InstanceState(instance));
        else state.instance = instance;
      }
    }
    for (const id of this.states.keys()) if (!alive.has(id)) this.states.delete(id);
    return changed;
  }

  /** One round: every instance probed (at most one probe each at a time), then one new picture. */
  private probeRound(): Promise<void> {
    this.round ??= (async () => {
      try {
        const withMetrics = this.ticks % 2 === 0;
        this.ticks += 1;
        await this.readCatalog();
        this.syncLists();
        await Promise.all([...this.states.values()].map((state) => this.probeInstance(state, withMetrics)));
        this.publish();
      } catch (error) {
        this.o.log.error({ err: error }, 'dashboard probe round failed');
      } finally {
        this.round = undefined;
      }
    })();
    return this.round;
  }

  private async readCatalog(): Promise<void> {
    const { catalog } = this.o;
    if (catalog === undefined) return;
    try {
      for (const service of await catalog.services()) this.addService(service);
      await Promise.all(
        [...this.services].map(async (service) => {
          const all = await catalog.instances(service);
          this.failing.set(
            service,
            all.filter((i) => i.health.status !== 'passing'),
          );
          for (const entry of all) {
            const state = this.states.get(entry.id);
            if (state !== undefined) state.registry = entry.health;
          }
        }),
      );
    } catch (error) {
      this.o.log.debug({ err: error }, 'registry catalog not readable; showing the watched lists only');
    }
  }

  private async probeInstance(state: InstanceState, withMetrics: boolean): Promise<void> {
    if (state.busy) return;
    state.busy = true;
    const { probe } = this.o;
    try {
      const [health, samples] = await Promise.allSettled([
        probe.health(state.instance),
        withMetrics ? probe.metrics(state.instance) : Promise.resolve(undefined),
      ]);
      if (health.status === 'fulfilled') {
        state.health = health.value;
        state.healthError = undefined;
      } else {
        state.healthError = describe(health.reason);
      }
      if (samples.status === 'fulfilled' && samples.value !== undefined) {
        state.traffic.add(trafficSnapshot(samples.value, Date.now()));
        state.metricsError = undefined;
      } else if (samples.status === 'rejected') {
        state.metricsError = describe(samples.reason);
      }
      if (state.needsConfig()) {
        const version = state.health!.config!.version;
        try {
          state.config = { version, report: await probe.config(state.instance) };
        } catch (error) {
          state.config = { version, error: describe(error) };
        }
      }
    } finally {
      state.busy = false;
    }
  }

  private publish(): void {
    this.current = this.build();
    for (const listener of this.listeners) listener(this.current);
  }

  private build(): SystemView {
    const services: ServiceView[] = [];
    const servedByVersion = new Map<string, number>();
    let gatewaySplit: SystemView['gatewaySplit'] = [];
    for (const name of [...this.services].sort()) {
      const list = this.lists.get(name) ?? [];
      const deltas: RouteDelta[] = [];
      const instances = list.map((instance) => {
        const state = this.states.get(instance.id) ?? new InstanceState(instance);
        const span = state.traffic.span();
        if (span !== undefined) {
          const own = routeDeltas(span.older, span.newer);
          deltas.push(...own);
          const key = `${name}\u0000${instance.meta.version ?? ''}`;
          servedByVersion.set(key, (servedByVersion.get(key) ?? 0) + own.reduce((n, d) => n + d.requestsPerSecond, 0));
          if (name === 'gateway') gatewaySplit = [...gatewaySplit, ...versionShares(span.older, span.newer)];
        }
        return state.view();
      });
      services.push({
        name,
        instances,
        failing: (this.failing.get(name) ?? [])
          .filter((f) => !list.some((i) => i.id === f.id))
          .map((f) => ({ id: f.id, address: f.address, port: f.port, registry: f.health })),
        stale: this.o.directory.cache(name).stale,
        routes: summarizeRoutes(mergeDeltas(deltas)),
      });
    }
    return {
      at: new Date().toISOString(),
      registry: this.o.registryKind,
      services,
      gatewaySplit,
      servedByVersion: [...servedByVersion].map(([key, requestsPerSecond]) => {
        const [service, version] = key.split('\u0000');
        return { service, version, requestsPerSecond };
      }),
    };
  }
}

function describe(error: unknown): string {
  if (error instanceof ProbeError) return error.message;
  if (error instanceof Error && error.name === 'ZodError') return 'answered in a form the dashboard does not read';
  return error instanceof Error ? error.message : String(error);
}
