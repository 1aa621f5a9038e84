import { parsePrometheusText } from './prometheus-text';

describe('parsePrometheusText', () => {
  it('reads names, labels (escapes included) and values, and skips comments', () => {
    const text = [
      '# HELP http_requests_total HTTP requests',
      '# TYPE http_requests_total counter',
      'http_requests_total{method="GET",route="/products/:id",status="200",service="product-service"} 12',
      'weird{path="a \\"quoted\\" \\\\ back\\nslash"} 1.5',
      'process_start_time_seconds 1700000000',
      'http_request_duration_seconds_bucket{le="+Inf",route="/x"} 3 1700000000000',
      '',
    ].join('\n');
    expect(parsePrometheusText(text)).toEqual([
      {
        name: 'http_requests_total',
        labels: { method: 'GET', route: '/products/:id', status: '200', service: 'product-service' },
        value: 12,
      },
      { name: 'weird', labels: { path: 'a "quoted" \\ back\nslash' }, value: 1.5 },
      { name: 'process_start_time_seconds', labels: {}, value: 1700000000 },
      { name: 'http_request_duration_seconds_bucket', labels: { le: '+Inf', route: '/x' }, value: 3 },
    ]);
  });

  it('leaves out lines that do not parse instead of failing the whole scrape', () => {
    const text = ['ok 1', 'broken{a="1" 2', 'nan_value{a="1"} abc', '{no_name="1"} 3', 'also_ok{a="x",} 4'].join('\n');
    expect(parsePrometheusText(text)).toEqual([
      { name: 'ok', labels: {}, value: 1 },
      { name: 'also_ok', labels: { a: 'x' }, value: 4 },
    ]);
  });

  it('keeps the special values Prometheus writes', () => {
    const [inf, nan] = parsePrometheusText('a +Inf\nb NaN');
    expect(inf.value).toBe(Infinity);
    // NaN samples are dropped: no rate or quantile can use them.
    expect(nan).toBeUndefined();
  });
});
