import type { ConfigStore } from '@lab/config';
import { Counter, Gauge, type Registry } from 'prom-client';

/** The live configuration's health: changes refused, and the version in force. */
export function registerConfigMetrics(registry: Registry, store: ConfigStore<unknown>): void {
  new Counter({
    name: 'config_rejections_total',
    help: 'Configuration changes refused because they failed validation (the last valid configuration stayed in force)',
    registers: [registry],
    collect() {
      this.reset();
      this.inc(store.status().rejections);
    },
  });
  new Gauge({
    name: 'config_version',
    help: 'Version of the configuration in force: 1 at start, one more for each change applied',
    registers: [registry],
    collect() {
      this.set(store.status().version);
    },
  });
}

/** Requests the live `fault` setting delayed or aborted: what an experiment really did. */
export function registerFaultMetrics(registry: Registry): (kind: 'delay' | 'abort') => void {
  const injected = new Counter({
    name: 'fault_injections_total',
    help: 'Requests delayed or aborted by the fault injection of the live configuration (fault.delay, fault.abort)',
    labelNames: ['kind'],
    registers: [registry],
  });
  return (kind) => injected.inc({ kind });
}
