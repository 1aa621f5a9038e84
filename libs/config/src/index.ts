// Start-up settings from environment variables.
export { loadConfig, type LoadConfigOptions } from './loadConfig';
export { ConfigError, type ConfigIssue } from './ConfigError';
export { redactSecrets } from './secrets';
export { envInt, envPort, type EnvIntOptions } from './schemas/envInt';
export { envBool } from './schemas/envBool';
export { envUrl, type EnvUrlOptions } from './schemas/envUrl';
export { envDuration } from './schemas/envDuration';
export { envEnum } from './schemas/envEnum';

// Live, layered configuration.
export { createConfigStore, type ConfigStoreOptions } from './store/createConfigStore';
export type { ConfigListener, ConfigRejection, ConfigSource, ConfigStatus, ConfigStore, ExplainedValue } from './store/ConfigStore';
export type { ConfigPathIssue } from './layers/ConfigPathIssue';
export { defaultConfigDir } from './defaultConfigDir';
export {
  configFilePaths,
  parseYamlTree,
  readFileLayer,
  readYamlFiles,
  scopeFilePaths,
  type FileLayer,
  type FileLayerOptions,
} from './layers/fileLayer';
export { kvPrefix, kvEntriesToTree, treeToKvEntries, SHARED_SCOPE } from './layers/kvLayout';
export { parseValue, formatValue } from './tree/parseValue';
export { sameJson, type ConfigTree } from './tree/configTree';
export { isSecretName } from './secrets';

// KV backends.
export { KvUnavailableError, type KvSource, type KvWatch } from './kv/KvSource';
export { ConsulKv, type ConsulKvOptions } from './kv/ConsulKv';
export { EtcdKv, type EtcdKvOptions } from './kv/EtcdKv';
export { ZookeeperKv, type ZookeeperKvOptions } from './kv/ZookeeperKv';
export { MemoryKv } from './kv/MemoryKv';
export { createKvSource, KV_BACKENDS, type CreateKvSourceOptions, type KvBackend } from './kv/createKvSource';

// Feature flags.
export { evaluateFlag } from './flags/evaluateFlag';
export { rolloutBucket, ROLLOUT_BUCKETS } from './flags/rolloutBucket';
export { LiveFlagEvaluator, type FlagEvaluator } from './flags/FlagEvaluator';
export { flagDefinitionSchema, type FlagDefinition, type FlagSet, type FlagSubject } from './flags/FlagDefinition';

export type { Logger } from './internal/logger';
