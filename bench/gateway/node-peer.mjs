#!/usr/bin/env node
// The least a Node.js reverse proxy does, as a second peer beside nginx: a node:http server and one
// keep-alive undici pool to the upstream, the same route as the gateway and nginx
// (/api/products/ -> /products/), hop-by-hop headers dropped both ways and X-Forwarded-For set, the
// upstream paused while the caller's socket is full. No discovery, balancing, retries, metrics,
// logging or problem answers: what it costs per request is the floor under any proxy built on
// node:http and undici, the gateway included, so the gap between the two is the gateway's own work.
//
//   node bench/gateway/node-peer.mjs --port 8081 --upstream http://127.0.0.1:3002
import http from 'node:http';
import { parseArgs } from 'node:util';
import { Pool } from 'undici';

const { values } = parseArgs({ options: { port: { type: 'string' }, upstream: { type: 'string' } } });
if (!values.port || !values.upstream) {
  console.error('usage: node bench/gateway/node-peer.mjs --port PORT --upstream http://HOST:PORT');
  process.exit(2);
}

const PREFIX = '/api/products/';
const HOP_BY_HOP = new Set(['connection', 'keep-alive', 'te', 'trailer', 'transfer-encoding', 'upgrade', 'host']);
const pool = new Pool(values.upstream, { connections: 128, keepAliveTimeout: 4_000 });

function endToEnd(headers) {
  const out = {};
  for (const name in headers) if (!HOP_BY_HOP.has(name)) out[name] = headers[name];
  return out;
}

class Relay {
  constructor(res) {
    this.res = res;
    this.controller = undefined;
  }
  onRequestStart(controller) {
    this.controller = controller;
  }
  onResponseStart(_controller, status, headers) {
    if (status >= 200) this.res.writeHead(status, endToEnd(headers));
  }
  onResponseData(controller, chunk) {
    if (this.res.write(chunk)) return;
    controller.pause();
    this.res.once('drain', () => controller.resume());
  }
  onResponseEnd() {
    this.res.end();
  }
  onResponseError(_controller, error) {
    if (this.res.headersSent) this.res.destroy(error);
    else this.res.writeHead(502).end();
  }
}

const server = http.createServer((req, res) => {
  if (!req.url.startsWith(PREFIX)) {
    res.writeHead(404).end();
    return;
  }
  const headers = endToEnd(req.headers);
  headers['x-forwarded-for'] = req.socket.remoteAddress;
  const relay = new Relay(res);
  res.once('close', () => {
    if (!res.writableFinished) relay.controller?.abort(new Error('client went away'));
  });
  const length = req.headers['content-length'];
  const body = req.headers['transfer-encoding'] !== undefined || (length !== undefined && length !== '0') ? req : null;
  pool.dispatch({ path: `/products/${req.url.slice(PREFIX.length)}`, method: req.method, headers, body }, relay);
});
server.keepAliveTimeout = 5_000;
server.listen(Number(values.port), '127.0.0.1', () => console.log(`node peer listening on ${values.port}`));
process.once('SIGTERM', () => {
  server.close();
  server.closeAllConnections();
  void pool.close().then(() => process.exit(0));
});
