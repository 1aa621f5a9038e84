// The servers these tests run against come from the testing lib: the URLs the test run resolved
// (describeWithInfra, infra) and local etcd and ZooKeeper servers a test may restart empty.
// @lab/testing imports no @lab lib (registries reach it structurally), so using it here closes no
// dependency cycle.
export * from '@lab/testing';
