// Start-up settings from environment variables.
export { loadConfig } from './load-config';
export { ConfigError, type ConfigIssue } from './config-error';
export { redactSecrets } from './secrets';
export { envInt, envPort } from './schemas/env-int';
export { envBool } from './schemas/env-bool';
export { envUrl } from './schemas/env-url';
export { envDuration } from './schemas/env-duration';
export { envEnum } from './schemas/env-enum';
export { envPem } from './schemas/env-pem';
export { envList } from './schemas/env-list';
export { checkRegistryEnv, registryConnection, registryEnvShape, REGISTRY_SECRET_KEYS } from './schemas/registry-env';

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
export { defaultConfigDir } from './default-config-dir';

// The files and the KV layout, for tools that keep the KV store in step with config/ (config-cli).
export { readYamlFiles, scopeFilePaths } from './layers/file-layer';
export { kvPrefix, treeToKvEntries, SHARED_SCOPE } from './layers/kv-layout';
export { checkKvValue, type KvValueCheck } from './layers/kv-value';
export { parseValue } from './tree/parse-value';
export { sameJson } from './tree/config-tree';
export { isSecretName } from './secrets';

// The KV layer's source: a registry's KV store (@lab/discovery's registry.kv), or MemoryKv in tests.
export type { KvSource, KvWatch } from './kv/kv-source';
export { MemoryKv } from './kv/memory-kv';

// Feature flags.
export { evaluateFlag } from './flags/evaluate-flag';
export { explainFlag, type FlagExplanation, type FlagReason, type RolloutDetail } from './flags/explain-flag';
export { rolloutBucket } from './flags/rollout-bucket';
export type { FlagEvaluator } from './flags/flag-evaluator';
export { flagDefinitionSchema, type FlagDefinition, type FlagSubject } from './flags/flag-definition';
