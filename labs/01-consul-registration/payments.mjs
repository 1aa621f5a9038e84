// A stand-in for a real service, for the lab: it answers every path, /health included, with one
// line naming its port, until it is killed. Run it as `node payments.mjs <port>`.
import http from 'node:http';

const port = Number(process.argv[2]);
if (!Number.isInteger(port) || port <= 0 || port > 65535) {
  console.error('usage: node payments.mjs <port>');
  process.exit(2);
}

const server = http.createServer((_req, res) => {
  res.writeHead(200, { 'content-type': 'text/plain' }).end(`payments on port ${port}\n`);
});
server.listen(port, '127.0.0.1');
