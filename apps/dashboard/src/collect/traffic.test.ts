import { parsePrometheusText } from './prometheus-text';
import {
  TrafficWindow,
  histogramQuantile,
  mergeDeltas,
  routeDeltas,
  summarizeRoutes,
  trafficSnapshot,
  versionShares,
} from './traffic';

/** A scrape of one route: `ok` 200s and `failed` 503s, with the latencies in `le` buckets. */
function scrape(at: number, ok: number, failed: number, buckets: Record<string, number>, probes = 0) {
  const lines = [
    `http_requests_total{method="GET",route="/products",status="200"} ${ok}`,
    `http_requests_total{method="GET",route="/products",status="503"} ${failed}`,
    `http_requests_total{method="GET",route="/health/ready",status="200"} ${probes}`,
    ...Object.entries(buckets).map(
      ([le, n]) => `http_request_duration_seconds_bucket{le="${le}",method="GET",route="/products",status="200"} ${n}`,
    ),
  ];
  return trafficSnapshot(parsePrometheusText(lines.join('\n')), at);
}

describe('route traffic', () => {
  it('turns counter growth into rates, 5xx share and latency, leaving probes out', () => {
    const older = scrape(0, 100, 0, { '0.01': 50, '0.1': 100, '+Inf': 100 }, 5);
    const newer = scrape(2000, 118, 2, { '0.01': 60, '0.1': 120, '+Inf': 120 }, 900);
    const [products, ...others] = summarizeRoutes(routeDeltas(older, newer));
    expect(others).toEqual([]);
    expect(products).toMatchObject({ method: 'GET', route: '/products', requestsPerSecond: 10, errorRatio: 0.1 });
    // 20 requests in the window: 10 under 10 ms, 10 between 10 and 100 ms.
    expect(products.p50Ms).toBeCloseTo(10);
    expect(products.p95Ms).toBeCloseTo(10 + 90 * 0.9);
  });

  it('counts a restarted instance from zero instead of a negative rate', () => {
    const older = scrape(0, 500, 0, { '+Inf': 500 });
    const newer = scrape(1000, 4, 0, { '+Inf': 4 });
    expect(summarizeRoutes(routeDeltas(older, newer))[0].requestsPerSecond).toBe(4);
  });

  it('adds up instances of one service route by route', () => {
    const a = routeDeltas(scrape(0, 0, 0, { '0.01': 0, '+Inf': 0 }), scrape(1000, 3, 0, { '0.01': 3, '+Inf': 3 }));
    const b = routeDeltas(scrape(0, 0, 0, { '0.01': 0, '+Inf': 0 }), scrape(1000, 1, 1, { '0.01': 0, '+Inf': 1 }));
    const [merged] = summarizeRoutes(mergeDeltas([...a, ...b]));
    expect(merged.requestsPerSecond).toBe(5);
    expect(merged.errorRatio).toBeCloseTo(0.2);
  });

  it('interpolates quantiles as histogram_quantile does, and gives none without requests', () => {
    const buckets = new Map([
      [0.1, 10],
      [0.2, 20],
      [Infinity, 20],
    ]);
    expect(histogramQuantile(0.5, buckets)).toBeCloseTo(100);
    expect(histogramQuantile(0.75, buckets)).toBeCloseTo(150);
    expect(
      histogramQuantile(
        0.99,
        new Map([
          [0.1, 1],
          [Infinity, 10],
        ]),
      ),
    ).toBeCloseTo(100);
    expect(histogramQuantile(0.5, new Map([[Infinity, 0]]))).toBeUndefined();
  });

  it('splits the gateway upstream attempts by version label', () => {
    const text = (v1: number, v2: number) =>
      [
        `gateway_upstream_requests_total{upstream="product-service",version="v1",status="200"} ${v1}`,
        `gateway_upstream_requests_total{upstream="product-service",version="v2",status="200"} ${v2}`,
        `gateway_upstream_requests_total{service="order-service",status="201"} 7`,
      ].join('\n');
    const older = trafficSnapshot(parsePrometheusText(text(0, 0)), 0);
    const newer = trafficSnapshot(parsePrometheusText(text(90, 10)), 10_000);
    expect(versionShares(older, newer)).toEqual([
      { upstream: 'order-service', version: '', requestsPerSecond: 0 },
      { upstream: 'product-service', version: 'v1', requestsPerSecond: 9 },
      { upstream: 'product-service', version: 'v2', requestsPerSecond: 1 },
    ]);
  });

  it('keeps a window of scrapes that always covers its length', () => {
    const window = new TrafficWindow(10_000);
    expect(window.span()).toBeUndefined();
    for (let at = 0; at <= 30_000; at += 1000) window.add(scrape(at, at / 100, 0, {}));
    const { older, newer } = window.span()!;
    expect(newer.at - older.at).toBe(10_000);
  });
});
