import { formatSummary, percentile, summarize } from './load-stats';

describe('the load report', () => {
  it('counts successes, failures by status and the split, with nearest-rank percentiles', () => {
    const samples = [
      ...Array.from({ length: 97 }, (_, i) => ({
        status: 200,
        latencyMs: i + 1,
        servedBy: i % 10 === 0 ? 'v2' : 'v1',
      })),
      { status: 503, latencyMs: 500 },
      { status: 503, latencyMs: 600 },
      { status: 'error' as const, latencyMs: 10_000 },
    ];
    const summary = summarize(samples);
    expect(summary).toEqual({
      ok: 97,
      failures: [
        ['503', 2],
        ['error', 1],
      ],
      p50Ms: 50,
      p99Ms: 600,
      split: [
        ['v1', 87],
        ['v2', 10],
      ],
    });
    expect(formatSummary('3s', summary)).toBe(
      '   3s  ok   97  failed 503×2 error×1  p50 50.0 ms  p99 600.0 ms  served by v1 87, v2 10',
    );
    expect(formatSummary('4s', summarize([]))).toBe('   4s  ok    0  failed 0         no answers');
  });

  it('takes the nearest rank', () => {
    expect(percentile([1, 2, 3, 4], 50)).toBe(2);
    expect(percentile([1, 2, 3, 4], 99)).toBe(4);
    expect(percentile([7], 1)).toBe(7);
  });
});
