import { Counter } from 'prom-client';
import type { Registry } from 'prom-client';
import { errorMessage } from '@lab/common';
import type { CacheObserver, CacheOutcome } from './product-cache';

/** Counters that show how well the cache works and how often Redis fails underneath it. */
export class CacheMetrics {
  private readonly lookups: Counter<'outcome'>;
  private readonly errors: Counter<'operation'>;

  constructor(registry: Registry) {
    this.lookups = new Counter({
      name: 'product_cache_lookups_total',
      help: 'Single-product reads by how the cache answered (hit, miss, bypass).',
      labelNames: ['outcome'],
      registers: [registry],
    });
    this.errors = new Counter({
      name: 'product_cache_errors_total',
      help: 'Redis commands that failed; each one sent the read to Postgres or skipped a cache write.',
      labelNames: ['operation'],
      registers: [registry],
    });
  }

  lookup(outcome: CacheOutcome): void {
    this.lookups.inc({ outcome });
  }

  /** An observer for ProductCache: counts the failure and logs it at debug (it is expected while Redis is down). */
  observer(log: { debug(o: object, m?: string): void }): CacheObserver {
    return {
      error: (operation, err) => {
        this.errors.inc({ operation });
        log.debug({ operation, err: { message: errorMessage(err) } }, 'cache command failed');
      },
    };
  }
}
