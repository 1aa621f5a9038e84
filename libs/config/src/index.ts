export { loadConfig, type LoadConfigOptions } from './loadConfig';
export { ConfigError, type ConfigIssue } from './ConfigError';
export { redactSecrets } from './secrets';
export { envInt, envPort, type EnvIntOptions } from './schemas/envInt';
export { envBool } from './schemas/envBool';
export { envUrl, type EnvUrlOptions } from './schemas/envUrl';
export { envDuration } from './schemas/envDuration';
export { envEnum } from './schemas/envEnum';
