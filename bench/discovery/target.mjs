#!/usr/bin/env node
// The server every variant of the benchmark calls: answers any request with a small JSON body that
// names the instance, and prints {"port": N} once it listens. `node target.mjs <id>`
import http from 'node:http';

const id = process.argv[2] ?? 'target';
const body = JSON.stringify({ id, items: [{ sku: 'BENCH-1', price: 1999 }] });
const headers = { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) };

const server = http.createServer((req, res) => {
  req.resume();
  res.writeHead(200, headers);
  res.end(body);
});
server.listen(0, '127.0.0.1', () => console.log(JSON.stringify({ port: server.address().port })));
process.once('SIGTERM', () => server.close(() => process.exit(0)));
