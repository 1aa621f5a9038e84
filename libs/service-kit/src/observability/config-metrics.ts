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
