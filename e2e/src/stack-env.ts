/** Variables of the shell that would point a test's stack at servers it does not own. */
const SHARED_SERVERS = [
  'REDIS_URL',
  'CONSUL_URL',
  'ETCD_ENDPOINTS',
  'ZOOKEEPER_CONNECT',
  'EUREKA_URL',
  'EUREKA_CONFIG_KV_URL',
  'DISCOVERY_BACKEND',
];

/**
 * This process's environment for a stack of the test's own: the embedded default runs without
 * Redis and each stack starts its own registry, whatever the shell that runs the tests points at.
 */
export function ownStackEnv(alsoWithout: readonly string[] = []): NodeJS.ProcessEnv {
  const env = { ...process.env };
  for (const name of [...SHARED_SERVERS, ...alsoWithout]) delete env[name];
  return env;
}
