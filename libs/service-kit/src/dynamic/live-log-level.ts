import type { ConfigStore } from '@lab/config';
import type { Logger } from 'pino';
import type { KitSettings } from './kit-settings';

/**
 * Keeps the loggers' level on the live `logLevel` setting, so that debug logs can be switched on
 * in a running service. `applyNow` is false when the caller brought its own logger (tests): its
 * level is theirs until a change arrives. Child loggers made before a change keep their level.
 */
export function followLogLevel(
  store: ConfigStore<KitSettings>,
  loggers: readonly Logger[],
  applyNow: boolean,
): () => void {
  const apply = (level: string) => {
    for (const logger of loggers) logger.level = level;
  };
  if (applyNow) apply(store.current().logLevel);
  return store.subscribe((next, changed) => {
    if (changed.includes('logLevel')) apply(next.logLevel);
  });
}
