export type { InfraKind } from './infra-kind';
export { infraKinds, urlVariable, INFRA_VARIABLE, REQUIRE_INFRA_VARIABLE } from './infra-kind';
export { infra, infraEnvironment } from './infra';
export type { InfraStatus } from './infra';
export {
  describeWithInfra,
  describeWithRequirement,
  decideSuite,
  decideRequirement,
  requireInfraFrom,
} from './describe-with-infra';
export type { SuiteDecision, SuiteRequirement } from './describe-with-infra';
export {
  resolveInfra,
  resolvePostgres,
  resolveRedis,
  resolveConsul,
  resolveEtcd,
  resolveZookeeper,
} from './resolve/resolvers';
export { startLocalEtcd, findEtcd } from './local/local-etcd';
export type { LocalEtcd, LocalEtcdOptions } from './local/local-etcd';
export { startLocalZookeeper, findZookeeper } from './local/local-zookeeper';
export type { LocalZookeeper, LocalZookeeperOptions } from './local/local-zookeeper';
export { BinaryNotFoundError } from './local/binary-not-found';
export { containerRuntimeUnavailable } from './resolve/container-step';
export { resolveSteps } from './resolve/types';
export type { ResolveOptions, ResolveStep, ResolvedServer, UnavailableServer, ServerResolution } from './resolve/types';
export { probePostgres, probeRedis, probeConsul, probeEtcd, probeZookeeper } from './probes';
export { createTestDatabase, databaseUrl, InfraUnavailableError } from './test-database';
export type { TestDatabase } from './test-database';
export {
  createTestIssuer,
  DEFAULT_TEST_ISSUER,
  DEFAULT_TEST_AUDIENCE,
  JWKS_PATH,
  TOKEN_PATH,
  ACCESS_TOKEN_TYP,
  SERVICE_TOKEN_TYP,
} from './test-issuer';
export type { TestIssuer, TestClaims, SignOptions, ServedIssuer } from './test-issuer';
export { startStub } from './stub';
export type { StubRegistry, RunningStub } from './stub';
export { freePort } from './free-port';
export { TcpProxy } from './tcp-proxy';
// The poller lives in @lab/common, so that the dev registry's tests (which this lib imports) can use it too.
export { waitFor, WaitForTimeoutError, type WaitForOptions } from '@lab/common';
export { redactUrl } from './redact-url';
export { call } from './http/call';
export type { CallOptions, HttpReply } from './http/call';
export { expectProblem, expectRejected, problemFields } from './http/expect-problem';
export { createTestPki, opensslRequirement } from './tls/test-pki';
export type { CertifiedKey, TestPki } from './tls/test-pki';
export { startTlsProxy } from './tls/tls-proxy';
export type { TlsProxy } from './tls/tls-proxy';
