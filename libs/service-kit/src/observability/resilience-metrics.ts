import { policyMetrics, type CallPolicy, type PolicyMetricSample } from '@lab/resilience';
import { Counter, Gauge, type Registry } from 'prom-client';

/**
 * Publishes every policy's breaker, bulkhead and retry figures (@lab/resilience's policyMetrics) on
 * the service's registry. Values are read from the policies' snapshots when Prometheus scrapes, so
 * calls pay nothing for them. A metric is defined when the first policy that has it appears.
 */
export class ResilienceMetrics {
  private readonly policies: CallPolicy[] = [];
  private readonly defined = new Set<string>();

  constructor(private readonly registry: Registry) {}

  track(policy: CallPolicy): void {
    this.policies.push(policy);
    for (const sample of policyMetrics(policy.snapshot())) this.define(sample);
  }

  private samples(name: string): PolicyMetricSample[] {
    return this.policies.flatMap((policy) => policyMetrics(policy.snapshot()).filter((sample) => sample.name === name));
  }

  private define(sample: PolicyMetricSample): void {
    if (this.defined.has(sample.name)) return;
    this.defined.add(sample.name);
    const samples = () => this.samples(sample.name);
    const common = {
      name: sample.name,
      help: sample.help,
      labelNames: Object.keys(sample.labels),
      registers: [this.registry],
    };
    if (sample.type === 'counter') {
      new Counter({
        ...common,
        collect() {
          this.reset();
          for (const { labels, value } of samples()) this.inc(labels, value);
        },
      });
    } else {
      new Gauge({
        ...common,
        collect() {
          this.reset();
          for (const { labels, value } of samples()) this.set(labels, value);
        },
      });
    }
  }
}
