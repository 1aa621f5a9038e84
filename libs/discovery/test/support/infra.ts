// The servers these tests run against come from the testing lib: the URLs the test run resolved
// (describeWithInfra, infra) and local etcd and ZooKeeper servers a test may restart empty.
// @lab/testing imports no @lab lib (registries reach it structurally), so a discovery test using
// it closes no dependency cycle; the boundary rule's blanket ban on lib tests using it predates
// that guarantee, hence the one exception here rather than in every test file.
// eslint-disable-next-line @nx/enforce-module-boundaries
export * from '@lab/testing';
