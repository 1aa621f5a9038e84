import { describeWithRequirement } from './describe-with-infra';
import { checkMetricsText, promtoolRequirement } from './promtool';

describeWithRequirement(promtoolRequirement(), 'checkMetricsText (promtool check metrics)', () => {
  it('excepts only prom-client’s three default gauges named like counters', () => {
    const defaults = ['handles', 'requests', 'resources']
      .map(
        (what) =>
          `# HELP nodejs_active_${what}_total Number of active ${what}.\n# TYPE nodejs_active_${what}_total gauge\nnodejs_active_${what}_total 3\n`,
      )
      .join('');
    expect(checkMetricsText(defaults)).toEqual([]);
  });

  it('reports the same mistake in a metric of ours, and a counter without _total', () => {
    const ours =
      '# HELP orders_open_total Orders open now.\n# TYPE orders_open_total gauge\norders_open_total 2\n' +
      '# HELP orders_placed Orders placed.\n# TYPE orders_placed counter\norders_placed 5\n';
    const findings = checkMetricsText(ours);
    expect(findings).toEqual([
      expect.stringContaining('orders_open_total non-counter metrics should not have "_total" suffix'),
      expect.stringContaining('orders_placed counter metrics should have "_total" suffix'),
    ]);
  });

  it('reports text that is not the exposition format at all', () => {
    expect(checkMetricsText('Not found: /metrics\n')).not.toEqual([]);
  });
});
