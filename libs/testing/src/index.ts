// The public entry of @lab/testing: what test files and scripts use (its README's API table). The
// global setup and the resolution steps behind it import their internals from the files.
export type { InfraKind } from './infra-kind';
export { infra } from './infra';
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
export type { ResolveOptions, ResolvedServer, UnavailableServer, ServerResolution } from './resolve/types';
export { probePostgres, probeRedis, probeConsul, probeEtcd, probeZookeeper } from './probes';
export { createTestDatabase, databaseUrl, InfraUnavailableError } from './test-database';
export type { TestDatabase } from './test-database';
export { createTestIssuer } from './test-issuer';
export type { TestIssuer, TestClaims, SignOptions, ServedIssuer } from './test-issuer';
export { startStub } from './stub';
export type { StubRegistry, RunningStub } from './stub';
export { freePort } from './free-port';
export { TcpProxy } from './tcp-proxy';
// The poller lives in @lab/common, so that the dev registry's tests (which this lib imports) can use it too.
export { waitFor, WaitForTimeoutError, type WaitForOptions } from '@lab/common';
export { call } from './http/call';
export type { CallOptions, HttpReply } from './http/call';
export { expectProblem, expectRejected } from './http/expect-problem';
export { createTestPki, opensslRequirement } from './tls/test-pki';
export type { CertifiedKey, TestPki } from './tls/test-pki';
export { startTlsProxy } from './tls/tls-proxy';
export type { TlsProxy } from './tls/tls-proxy';
export { checkMetricsText, promtool, promtoolRequirement } from './promtool';
export type { PromtoolResult } from './promtool';
