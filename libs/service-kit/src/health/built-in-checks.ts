import type { ServiceDirectory } from '@lab/discovery';
import { dependencyCheck, eventLoopCheck, memoryCheck, type HealthRegistry } from '@lab/health';

/** How long start-up waits for a dependency's first instance list, so its check starts from the truth. */
const FIRST_LIST_TIMEOUT_MS = 1000;

/**
 * The checks every service has: event-loop delay, memory, and one per dependency (does it have a
 * healthy instance?). All non-critical: they explain a problem in /health/detailed, while readiness
 * follows only what this instance cannot work without (its database).
 */
export async function addBuiltInChecks(
  health: HealthRegistry,
  o: { dependencies: readonly string[]; directory: ServiceDirectory },
): Promise<void> {
  health.add(eventLoopCheck());
  health.add(memoryCheck());
  for (const dependency of o.dependencies) {
    // The watched list: a check run costs no registry query.
    health.add(dependencyCheck(dependency, () => o.directory.cache(dependency).instances()));
  }
  // Creating the caches starts their watches, so the first request finds instances already cached.
  await Promise.all(
    o.dependencies.map((dependency) =>
      o.directory
        .cache(dependency)
        .ready(FIRST_LIST_TIMEOUT_MS)
        .catch(() => undefined),
    ),
  );
}
