export {
  HealthRegistry,
  type HealthRegistryOptions,
  type NotReadyReason,
  type ReadinessListener,
} from './health-registry';
export type { CheckDetail } from './monitored-check';
export type { EventLoopSnapshot, EventLoopStall } from './event-loop-monitor';
export type { StartupConditionDetail } from './startup-conditions';
export type { HealthCheck, HealthResponse, CheckStatus, OverallStatus } from './types';
export { postgresCheck, type QueryablePool } from './checks/postgres-check';
export { redisCheck, type PingableClient } from './checks/redis-check';
export { eventLoopCheck, type EventLoopCheckOptions } from './checks/event-loop-check';
export { dependencyCheck, type DependencyCheckOptions } from './checks/dependency-check';
export { memoryCheck, type MemoryCheckOptions } from './checks/memory-check';
export { diskCheck, type DiskCheckOptions } from './checks/disk-check';
export type { CheckOptions } from './checks/options';
export { HealthError } from './errors/health-error';
export { DuplicateCheckError } from './errors/duplicate-check-error';
export { UnknownStartupConditionError } from './errors/unknown-startup-condition-error';
export { StartupCompleteError } from './errors/startup-complete-error';
export { InvalidCheckOptionError } from './errors/invalid-check-option-error';
