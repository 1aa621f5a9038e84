import { exposedMetricNames, metricNamesIn } from './promql-names';

describe('metricNamesIn', () => {
  it('finds the metrics of an expression, not its functions, labels, strings or keywords', () => {
    expect(
      metricNamesIn(
        'histogram_quantile(0.99, sum by (le, route) (rate(http_request_duration_seconds_bucket{app="gateway", route=~"/api.*"}[1m])))',
      ),
    ).toEqual(['http_request_duration_seconds_bucket']);
    expect(
      metricNamesIn('sum(rate(a_total{status=~"5.."}[5m])) / on (instance) group_left sum(rate(b_total[5m])) > 0.5'),
    ).toEqual(['a_total', 'b_total']);
    expect(metricNamesIn('max by (app, instance, policy) (resilience_circuit_state{state="open"}) == 1')).toEqual([
      'resilience_circuit_state',
    ]);
    expect(metricNamesIn('changes(discovery_instances[10m]) > 4 and up offset 5m')).toEqual([
      'discovery_instances',
      'up',
    ]);
  });
});

describe('exposedMetricNames', () => {
  it('reads sample names, not comments', () => {
    const text = '# HELP x_total X.\n# TYPE x_total counter\nx_total{a="1"} 2\ny_bucket{le="+Inf"} 1\nz 3\n';
    expect([...exposedMetricNames(text)]).toEqual(['x_total', 'y_bucket', 'z']);
  });
});
