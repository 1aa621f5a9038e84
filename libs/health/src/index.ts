export {
  HealthRegistry,
  type HealthRegistryOptions,
  type NotReadyReason,
  type ReadinessListener,
} from './HealthRegistry';
export type { CheckDetail } from './MonitoredCheck';
export type { EventLoopSnapshot, EventLoopStall } from './EventLoopMonitor';
export type { StartupConditionDetail } from './StartupConditions';
export type { HealthCheck, HealthResponse, CheckStatus, OverallStatus } from './types';
export type { Logger } from './Logger';
export { postgresCheck, type QueryablePool } from './checks/postgresCheck';
export { redisCheck, type PingableClient } from './checks/redisCheck';
export { eventLoopCheck, type EventLoopCheckOptions } from './checks/eventLoopCheck';
export { dependencyCheck, type DependencyCheckOptions } from './checks/dependencyCheck';
export { memoryCheck, type MemoryCheckOptions } from './checks/memoryCheck';
export { diskCheck, type DiskCheckOptions } from './checks/diskCheck';
export type { CheckOptions } from './checks/options';
export { HealthError } from './errors/HealthError';
export { DuplicateCheckError } from './errors/DuplicateCheckError';
export { UnknownStartupConditionError } from './errors/UnknownStartupConditionError';
export { StartupCompleteError } from './errors/StartupCompleteError';
export { InvalidCheckOptionError } from './errors/InvalidCheckOptionError';
