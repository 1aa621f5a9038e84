import { once } from 'node:events';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { call } from './call';

/** Echoes what arrived as JSON; /text answers plain text, /empty answers 204. */
async function startEcho(): Promise<{ url: string; close(): Promise<void> }> {
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      if (req.url === '/text') return res.writeHead(200, { 'content-type': 'text/plain' }).end('plain words');
      if (req.url === '/empty') return res.writeHead(204).end();
      res.writeHead(200, { 'content-type': 'application/json', 'x-echo': 'yes' });
      res.end(
        JSON.stringify({
          method: req.method,
          url: req.url,
          headers: req.headers,
          body: Buffer.concat(chunks).toString(),
        }),
      );
    });
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}`, close: () => new Promise((resolve) => server.close(() => resolve())) };
}

describe('call', () => {
  let echo: Awaited<ReturnType<typeof startEcho>>;
  beforeAll(async () => {
    echo = await startEcho();
  });
  afterAll(() => echo.close());

  it('sends a JSON body with its content type and a bearer token, and parses the JSON answer', async () => {
    const reply = await call(echo.url, 'POST', '/orders?x=1', { token: 't0k3n', body: { items: [1, 2] } });
    expect(reply.status).toBe(200);
    expect(reply.headers.get('x-echo')).toBe('yes');
    expect(reply.body).toMatchObject({
      method: 'POST',
      url: '/orders?x=1',
      headers: { authorization: 'Bearer t0k3n', 'content-type': 'application/json' },
      body: '{"items":[1,2]}',
    });
  });

  it('sends rawBody exactly as given, as JSON unless a header says otherwise', async () => {
    const malformed = await call(echo.url, 'PUT', '/x', { rawBody: '{"a":' });
    expect(malformed.body).toMatchObject({ body: '{"a":', headers: { 'content-type': 'application/json' } });
    const form = await call(echo.url, 'POST', '/x', { rawBody: 'a=1', headers: { 'Content-Type': 'text/plain' } });
    expect(form.body).toMatchObject({ body: 'a=1', headers: { 'content-type': 'text/plain' } });
  });

  it('sends no body and no content type when given none', async () => {
    const reply = await call(echo.url, 'GET', '/products');
    expect(reply.body.body).toBe('');
    expect(reply.body.headers).not.toHaveProperty('content-type');
    expect(reply.body.headers).not.toHaveProperty('authorization');
  });

  it('keeps a base URL path prefix (a gateway route)', async () => {
    const reply = await call(`${echo.url}/api/order-service`, 'GET', '/orders/7');
    expect(reply.body.url).toBe('/api/order-service/orders/7');
  });

  it('returns text bodies as text and an empty body as an empty string', async () => {
    expect(await call(echo.url, 'GET', '/text')).toMatchObject({ status: 200, body: 'plain words' });
    expect(await call(echo.url, 'DELETE', '/empty')).toMatchObject({ status: 204, body: '' });
  });
});
