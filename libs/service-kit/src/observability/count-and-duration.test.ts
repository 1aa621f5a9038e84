import { Counter, Histogram, Registry } from 'prom-client';
import { countAndDuration } from './count-and-duration';

describe('countAndDuration', () => {
  it('counts and times each combination of label values on its own, however often it is recorded', async () => {
    const registry = new Registry();
    const labelNames = ['method', 'route', 'status'] as const;
    const counter = new Counter({ name: 'c_total', help: 'c', labelNames, registers: [registry] });
    const histogram = new Histogram({ name: 'h_seconds', help: 'h', labelNames, buckets: [1], registers: [registry] });
    const record = countAndDuration(counter, histogram);

    record('GET', '/a', '200', 0.5);
    record('GET', '/a', '200', 2);
    record('GET', '/a', '500', 0.25);
    // Values that would collide if the cache joined them into one key.
    record('GET', '/a/', '00', 0.1);

    const counts = (await counter.get()).values.map((v) => [v.labels.route, v.labels.status, v.value]);
    expect(counts).toEqual(
      expect.arrayContaining([
        ['/a', '200', 2],
        ['/a', '500', 1],
        ['/a/', '00', 1],
      ]),
    );
    expect(counts).toHaveLength(3);
    const sums = (await histogram.get()).values
      .filter((v) => v.metricName === 'h_seconds_sum')
      .map((v) => [v.labels.route, v.labels.status, v.value]);
    expect(sums).toEqual(
      expect.arrayContaining([
        ['/a', '200', 2.5],
        ['/a', '500', 0.25],
        ['/a/', '00', 0.1],
      ]),
    );
  });
});
