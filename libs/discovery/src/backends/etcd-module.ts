import type * as Etcd3Module from 'etcd3';

/**
 * The etcd3 package, loaded when an etcd registry is first built rather than when @lab/discovery
 * is: it brings gRPC and protobufjs (hundreds of modules and megabytes of heap) that a process on
 * any other backend never runs. Node caches the module, so later calls cost a lookup.
 */
export function loadEtcd3(): typeof Etcd3Module {
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- loaded on use (see above); import() would make callers async
  return require('etcd3');
}
