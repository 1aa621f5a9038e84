import type { Counter, Histogram } from 'prom-client';

/**
 * Records one event in a counter and a histogram that share the same three labels (requests and
 * their durations), with the label children looked up once per combination of values: prom-client
 * builds and hashes a label object on every `labels()` call, which a server would otherwise pay
 * twice per request. Label values must come from small fixed sets (methods, route templates, status
 * codes, instance versions), as for any Prometheus label.
 */
export function countAndDuration<L extends string>(
  counter: Counter<L>,
  histogram: Histogram<L>,
): (first: string, second: string, third: string, seconds: number) => void {
  type Children = { count: ReturnType<Counter<L>['labels']>; time: ReturnType<Histogram<L>['labels']> };
  const children = new Map<string, Map<string, Map<string, Children>>>();
  return (first, second, third, seconds) => {
    let bySecond = children.get(first);
    if (bySecond === undefined) children.set(first, (bySecond = new Map()));
    let byThird = bySecond.get(second);
    if (byThird === undefined) bySecond.set(second, (byThird = new Map()));
    let child = byThird.get(third);
    if (child === undefined) {
      child = { count: counter.labels(first, second, third), time: histogram.labels(first, second, third) };
      byThird.set(third, child);
    }
    child.count.inc();
    child.time.observe(seconds);
  };
}
