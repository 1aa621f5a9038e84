// The dependency the resilience benchmark calls: a tiny HTTP server in its own process (so it
// does not share the client's event loop). The parent switches it between answering 200 and
// answering 503 over IPC; to make it vanish, the parent kills it.
import http from 'node:http';

const healthy = JSON.stringify({ id: 'p-1', name: 'Benchmark product', priceCents: 1999 });
const failing = JSON.stringify({ title: 'Service Unavailable', status: 503 });
let status = 200;

const server = http.createServer((req, res) => {
  const body = status === 200 ? healthy : failing;
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) });
  res.end(body);
});
server.keepAliveTimeout = 60_000;

process.on('message', (message) => {
  if (message?.status === 200 || message?.status === 503) status = message.status;
  process.send({ status });
});
process.on('disconnect', () => process.exit(0));

server.listen(0, '127.0.0.1', () => process.send({ port: server.address().port }));
