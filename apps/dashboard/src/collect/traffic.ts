import type { MetricSample } from './prometheus-text';

/** The counters of one scrape that traffic figures are made from. */
export interface TrafficSnapshot {
  /** When the scrape was taken (ms). */
  at: number;
  /** http_requests_total by `method route status`. */
  requests: Map<string, number>;
  /** http_request_duration_seconds buckets by `method route`, then by upper bound (seconds). */
  buckets: Map<string, Map<number, number>>;
  /** gateway_upstream_requests_total by `upstream version` (version '' when the label is absent). */
  upstream: Map<string, number>;
}

/** What a route served per second over a window, with the latency histogram's counts in it. */
export interface RouteDelta {
  method: string;
  route: string;
  requestsPerSecond: number;
  errorsPerSecond: number;
  /** Requests in the window per upper bound (seconds), cumulative as Prometheus counts them. */
  buckets: Map<number, number>;
}

export interface RouteTraffic {
  method: string;
  route: string;
  requestsPerSecond: number;
  /** Share of the requests answered 5xx, 0..1. */
  errorRatio: number;
  /** Latency quantiles from the histogram (upper-bound interpolation); undefined with no requests. */
  p50Ms?: number;
  p95Ms?: number;
}

/** Requests per second to one upstream at one version, through the gateway. */
export interface VersionShare {
  upstream: string;
  version: string;
  requestsPerSecond: number;
}

const SEP = '\u0000';
/** Probes and scrapes are the platform talking, not traffic: left out of the route figures. */
const isProbe = (route: string) => route === '/metrics' || route === '/health' || route.startsWith('/health/');

/** The traffic counters of one scrape. */
export function trafficSnapshot(samples: readonly MetricSample[], at: number): TrafficSnapshot {
  const snapshot: TrafficSnapshot = { at, requests: new Map(), buckets: new Map(), upstream: new Map() };
  for (const { name, labels, value } of samples) {
    if (name === 'http_requests_total') {
      if (isProbe(labels.route ?? '')) continue;
      const key = [labels.method, labels.route, labels.status].join(SEP);
      snapshot.requests.set(key, (snapshot.requests.get(key) ?? 0) + value);
    } else if (name === 'http_request_duration_seconds_bucket') {
      if (isProbe(labels.route ?? '')) continue;
      const key = [labels.method, labels.route].join(SEP);
      const le = labels.le === '+Inf' ? Infinity : Number(labels.le);
      const byBound = snapshot.buckets.get(key) ?? new Map<number, number>();
      byBound.set(le, (byBound.get(le) ?? 0) + value);
      snapshot.buckets.set(key, byBound);
    } else if (name === 'gateway_upstream_requests_total') {
      // `upstream` names the service called; older gateways put it in `service`.
      const key = [labels.upstream ?? labels.service, labels.version ?? ''].join(SEP);
      snapshot.upstream.set(key, (snapshot.upstream.get(key) ?? 0) + value);
    }
  }
  return snapshot;
}

/** A counter's growth; a counter that went down belongs to a restarted process and counts from 0. */
function growth(older: number | undefined, newer: number): number {
  return older === undefined || newer < older ? newer : newer - older;
}

/** Per route, what happened between two scrapes of one instance. */
export function routeDeltas(older: TrafficSnapshot, newer: TrafficSnapshot): RouteDelta[] {
  const seconds = (newer.at - older.at) / 1000;
  if (seconds <= 0) return [];
  const routes = new Map<string, RouteDelta>();
  const routeOf = (method: string, route: string): RouteDelta => {
    const key = method + SEP + route;
    let delta = routes.get(key);
    if (delta === undefined) {
      delta = { method, route, requestsPerSecond: 0, errorsPerSecond: 0, buckets: new Map() };
      routes.set(key, delta);
    }
    return delta;
  };
  for (const [key, count] of newer.requests) {
    const [method, route, status] = key.split(SEP);
    const perSecond = growth(older.requests.get(key), count) / seconds;
    if (perSecond === 0) continue;
    const delta = routeOf(method, route);
    delta.requestsPerSecond += perSecond;
    if (status.startsWith('5')) delta.errorsPerSecond += perSecond;
  }
  for (const [key, byBound] of newer.buckets) {
    const [method, route] = key.split(SEP);
    const delta = routes.get(method + SEP + route);
    if (delta === undefined) continue;
    const before = older.buckets.get(key);
    for (const [le, count] of byBound) delta.buckets.set(le, growth(before?.get(le), count));
  }
  return [...routes.values()];
}

/** Adds up the deltas of several instances of one service, route by route. */
export function mergeDeltas(deltas: readonly RouteDelta[]): RouteDelta[] {
  const merged = new Map<string, RouteDelta>();
  for (const d of deltas) {
    const key = d.method + SEP + d.route;
    const into = merged.get(key);
    if (into === undefined) {
      merged.set(key, { ...d, buckets: new Map(d.buckets) });
      continue;
    }
    into.requestsPerSecond += d.requestsPerSecond;
    into.errorsPerSecond += d.errorsPerSecond;
    for (const [le, count] of d.buckets) into.buckets.set(le, (into.buckets.get(le) ?? 0) + count);
  }
  return [...merged.values()];
}

/**
 * The q-quantile of a cumulative histogram in milliseconds, interpolated inside its bucket as
 * Prometheus's histogram_quantile() does; the largest finite bound when it falls in +Inf.
 */
export function histogramQuantile(q: number, buckets: ReadonlyMap<number, number>): number | undefined {
  const bounds = [...buckets.keys()].sort((a, b) => a - b);
  const total = buckets.get(Infinity) ?? 0;
  if (bounds.length === 0 || total <= 0) return undefined;
  const rank = q * total;
  let lowerBound = 0;
  let lowerCount = 0;
  for (const bound of bounds) {
    const count = buckets.get(bound) ?? 0;
    if (count >= rank) {
      if (bound === Infinity) return lowerBound * 1000;
      const inBucket = count - lowerCount;
      const fraction = inBucket === 0 ? 1 : (rank - lowerCount) / inBucket;
      return (lowerBound + (bound - lowerBound) * fraction) * 1000;
    }
    lowerBound = bound;
    lowerCount = count;
  }
  return lowerBound * 1000;
}

/** The figures a person reads, busiest route first. */
export function summarizeRoutes(deltas: readonly RouteDelta[]): RouteTraffic[] {
  return deltas
    .map((d) => ({
      method: d.method,
      route: d.route,
      requestsPerSecond: d.requestsPerSecond,
      errorRatio: d.requestsPerSecond === 0 ? 0 : d.errorsPerSecond / d.requestsPerSecond,
      p50Ms: histogramQuantile(0.5, d.buckets),
      p95Ms: histogramQuantile(0.95, d.buckets),
    }))
    .sort((a, b) => b.requestsPerSecond - a.requestsPerSecond || a.route.localeCompare(b.route));
}

/** The gateway's requests per second to each upstream, by the version label of the attempt. */
export function versionShares(older: TrafficSnapshot, newer: TrafficSnapshot): VersionShare[] {
  const seconds = (newer.at - older.at) / 1000;
  if (seconds <= 0) return [];
  const shares: VersionShare[] = [];
  for (const [key, count] of newer.upstream) {
    const [upstream, version] = key.split(SEP);
    shares.push({ upstream, version, requestsPerSecond: growth(older.upstream.get(key), count) / seconds });
  }
  return shares.sort((a, b) => a.upstream.localeCompare(b.upstream) || a.version.localeCompare(b.version));
}

/**
 * The scrapes of one instance over the last `windowMs`: figures are the growth from the oldest
 * scrape in the window to the newest, so one slow scrape does not make the numbers jump.
 */
export class TrafficWindow {
  private readonly snapshots: TrafficSnapshot[] = [];

  constructor(private readonly windowMs: number) {}

  add(snapshot: TrafficSnapshot): void {
    this.snapshots.push(snapshot);
    // Keep one scrape at or before the window's start, so the window is always fully covered.
    while (this.snapshots.length > 2 && this.snapshots[1].at <= snapshot.at - this.windowMs) this.snapshots.shift();
  }

  /** The oldest and newest scrape in the window; undefined until there are two. */
  span(): { older: TrafficSnapshot; newer: TrafficSnapshot } | undefined {
    if (this.snapshots.length < 2) return undefined;
    return { older: this.snapshots[0], newer: this.snapshots[this.snapshots.length - 1] };
  }
}
