// The public entry of @lab/health: the registry, the checks, and their errors.
export { HealthRegistry } from './health-registry';
export type { HealthCheck, HealthResponse } from './types';
export { postgresCheck } from './checks/postgres-check';
export { redisCheck } from './checks/redis-check';
export { eventLoopCheck } from './checks/event-loop-check';
export { dependencyCheck } from './checks/dependency-check';
export { memoryCheck } from './checks/memory-check';
export { diskCheck } from './checks/disk-check';
export { HealthError } from './errors/health-error';
export { DuplicateCheckError } from './errors/duplicate-check-error';
export { UnknownStartupConditionError } from './errors/unknown-startup-condition-error';
export { StartupCompleteError } from './errors/startup-complete-error';
export { InvalidCheckOptionError } from './errors/invalid-check-option-error';
