// Start-up settings from environment variables.
export { loadConfig, type LoadConfigOptions } from './load-config';
export { ConfigError, type ConfigIssue } from './config-error';
export { redactSecrets } from './secrets';
export { envInt, envPort, type EnvIntOptions } from './schemas/env-int';
export { envBool } from './schemas/env-bool';
export { envUrl, type EnvUrlOptions } from './schemas/env-url';
export { envDuration } from './schemas/env-duration';
export { envEnum } from './schemas/env-enum';
export { envPem } from './schemas/env-pem';

// Live, layered configuration.
export { createConfigStore, type ConfigStoreOptions } from './store/create-config-store';
export type {
  ConfigListener,
  ConfigRejection,
  ConfigSource,
  ConfigStatus,
  ConfigStore,
  ExplainedValue,
} from './store/config-store';
export type { ConfigPathIssue } from './layers/config-path-issue';
export { defaultConfigDir } from './default-config-dir';
export {
  configFilePaths,
  parseYamlTree,
  readFileLayer,
  readYamlFiles,
  scopeFilePaths,
  type FileLayer,
  type FileLayerOptions,
} from './layers/file-layer';
export { kvPrefix, kvEntriesToTree, treeToKvEntries, SHARED_SCOPE } from './layers/kv-layout';
export { parseValue, formatValue } from './tree/parse-value';
export { sameJson, type ConfigTree } from './tree/config-tree';
export { isSecretName } from './secrets';

// The KV layer's source: a registry's KV store (@lab/discovery's registry.kv), or MemoryKv in tests.
export type { KvSource, KvWatch } from './kv/kv-source';
export { MemoryKv } from './kv/memory-kv';

// Feature flags.
export { evaluateFlag } from './flags/evaluate-flag';
export { rolloutBucket, ROLLOUT_BUCKETS } from './flags/rollout-bucket';
export { LiveFlagEvaluator, type FlagEvaluator } from './flags/flag-evaluator';
export { flagDefinitionSchema, type FlagDefinition, type FlagSet, type FlagSubject } from './flags/flag-definition';
