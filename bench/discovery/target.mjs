#!/usr/bin/env node
// The server every variant of the benchmark calls: answers any request with a small JSON body that
// names the instance, and prints {"port": N} once it listens. `node target.mjs <id>`
//
// With BENCH_TARGET_REGISTRATION set to JSON { registry: CreateRegistryOptions, service } (in the
// environment, as the options may carry the registry's token), it then registers itself through
// @lab/discovery, as a deployed service would, and prints {"registered": id}. The
// registration then lives exactly as long as this process (etcd lease, ZooKeeper session): the
// benchmark SIGKILLs it, so nothing here deregisters.
import http from 'node:http';

const id = process.argv[2] ?? 'target';
const registration = process.env.BENCH_TARGET_REGISTRATION;
const self = registration ? JSON.parse(registration) : undefined;
// Loaded before listening, as a service has its libraries loaded before it takes traffic.
const discovery = self ? await import('@lab/discovery') : undefined;
const body = JSON.stringify({ id, items: [{ sku: 'BENCH-1', price: 1999 }] });
const headers = { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) };

const server = http.createServer((req, res) => {
  req.resume();
  res.writeHead(200, headers);
  res.end(body);
});
server.listen(0, '127.0.0.1', async () => {
  const { port } = server.address();
  console.log(JSON.stringify({ port }));
  if (self) {
    await discovery.createRegistry(self.registry).register({ id, name: self.service, address: '127.0.0.1', port });
    console.log(JSON.stringify({ registered: id }));
  }
});
process.once('SIGTERM', () => server.close(() => process.exit(0)));
