import { brotliCompressSync, deflateSync, gzipSync } from 'node:zlib';
import type { MemoryRegistry } from '@lab/discovery';
import { captureLogs, startExample, type CapturedLogs } from './support/example-service';
import { startStub } from '@lab/testing';
import { sendJson } from './support/example-service';
import type { RunningService } from '../src';

let service: RunningService;
let registry: MemoryRegistry;
let logs: CapturedLogs;
let echo: Awaited<ReturnType<typeof startStub>>;

beforeAll(async () => {
  logs = captureLogs();
  ({ service, registry } = await startExample({ logger: logs.logger, env: { BODY_LIMIT: '1kb' } }));
  echo = await startStub(registry, 'echo-service', (req, res) =>
    sendJson(res, 200, { requestId: req.headers['x-request-id'] }),
  );
});

afterAll(async () => {
  await echo.stop();
  await service.stop();
});

function post(path: string, body: string, headers: Record<string, string> = { 'content-type': 'application/json' }) {
  return fetch(`${service.url}${path}`, { method: 'POST', headers, body });
}

async function problem(response: Response): Promise<Record<string, unknown>> {
  expect(response.headers.get('content-type')).toMatch(/^application\/problem\+json/);
  return (await response.json()) as Record<string, unknown>;
}

describe('request ids', () => {
  it('generates one when the caller sends none and echoes it', async () => {
    const response = await fetch(`${service.url}/items/1`);
    expect(response.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
  });

  it("keeps the caller's id when it is a sane token", async () => {
    const response = await fetch(`${service.url}/items/1`, { headers: { 'x-request-id': 'abc-123' } });
    expect(response.headers.get('x-request-id')).toBe('abc-123');
  });

  it('replaces an id that is too long or contains odd characters', async () => {
    for (const bad of ['x'.repeat(129), 'has space', '<script>']) {
      const response = await fetch(`${service.url}/items/1`, { headers: { 'x-request-id': bad } });
      expect(response.headers.get('x-request-id')).not.toBe(bad);
      expect(response.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
    }
  });

  it('forwards the id on outbound calls made while serving the request', async () => {
    const response = await fetch(`${service.url}/echo`, { headers: { 'x-request-id': 'trace-me-42' } });
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ upstreamSaw: 'trace-me-42' });
  });

  it('still forwards it after the JSON body parser has read a body', async () => {
    const response = await post('/echo', JSON.stringify({ note: 'x'.repeat(200) }), {
      'content-type': 'application/json',
      'x-request-id': 'after-body-7',
    });
    expect(await response.json()).toEqual({ upstreamSaw: 'after-body-7' });
  });

  it('is on the one log line written per request', async () => {
    const response = await post('/orders', JSON.stringify({ items: [{ productId: 1, quantity: 2 }] }));
    expect(response.status).toBe(201);
    const lines = logs.lines().filter((l) => l.requestId === response.headers.get('x-request-id'));
    expect(lines).toEqual([
      expect.objectContaining({
        method: 'POST',
        route: '/orders',
        path: '/orders',
        status: 201,
        msg: 'request completed',
      }),
    ]);
    expect(typeof lines[0].durationMs).toBe('number');
  });
});

describe('problems', () => {
  it('400 for malformed JSON', async () => {
    const response = await post('/orders', '{"items": [');
    expect(response.status).toBe(400);
    const body = await problem(response);
    expect(body).toMatchObject({
      status: 400,
      title: 'Bad Request',
      detail: 'Malformed JSON body',
      instance: '/orders',
    });
    expect(body.errors).toEqual([{ field: 'body', message: expect.stringMatching(/JSON/) }]);
    expect(body.requestId).toBe(response.headers.get('x-request-id'));
  });

  it('400 naming the failing field', async () => {
    const response = await post('/orders', JSON.stringify({ items: [{ productId: 1, quantity: 0 }] }));
    expect(response.status).toBe(400);
    const body = await problem(response);
    expect(body.errors).toEqual([{ field: 'body.items.0.quantity', message: expect.any(String) }]);
  });

  it('400 on the body when the content type is not JSON', async () => {
    const response = await post('/orders', 'items=1', { 'content-type': 'application/x-www-form-urlencoded' });
    expect(response.status).toBe(400);
    expect((await problem(response)).errors).toEqual([{ field: 'body', message: expect.stringContaining('JSON') }]);
  });

  it('400 naming path and query parameters, with typed values on success', async () => {
    const bad = await fetch(`${service.url}/items/abc?verbose=maybe`);
    expect(bad.status).toBe(400);
    const fields = ((await problem(bad)).errors as { field: string }[]).map((e) => e.field);
    expect(fields).toEqual(['params.id']);
    const badQuery = await fetch(`${service.url}/items/7?verbose=maybe`);
    expect(((await problem(badQuery)).errors as { field: string }[]).map((e) => e.field)).toEqual(['query.verbose']);
    const good = await fetch(`${service.url}/items/7?verbose=true`);
    expect(await good.json()).toEqual({ id: 7, verbose: true, greeting: 'hello' });
  });

  it('404 for an unknown route', async () => {
    const response = await fetch(`${service.url}/nowhere?x=1`);
    expect(response.status).toBe(404);
    expect(await problem(response)).toMatchObject({ status: 404, title: 'Not Found', instance: '/nowhere' });
  });

  it('413 for a body over BODY_LIMIT', async () => {
    const response = await post('/orders', JSON.stringify({ items: [], padding: 'x'.repeat(2048) }));
    expect(response.status).toBe(413);
    expect(await problem(response)).toMatchObject({ status: 413, title: 'Payload Too Large' });
  });

  describe('Content-Encoding', () => {
    const order = JSON.stringify({ items: [{ productId: 1, quantity: 2 }] });
    const encoded = (encoding: string, body: Buffer | string) =>
      post('/orders', body as string, { 'content-type': 'application/json', 'content-encoding': encoding });

    it('decodes gzip, deflate and br bodies', async () => {
      expect((await encoded('gzip', gzipSync(order))).status).toBe(201);
      expect((await encoded('deflate', deflateSync(order))).status).toBe(201);
      expect((await encoded('br', brotliCompressSync(order))).status).toBe(201);
    });

    it.each([
      ['gzip', Buffer.from('this is not gzip')],
      ['gzip', gzipSync(order).subarray(0, 12)],
      ['deflate', Buffer.from('zzz')],
      ['br', Buffer.from('xxxxxxxxxxxxxxxx')],
    ])('400 naming the encoding for a corrupt %s body', async (encoding, body) => {
      const response = await encoded(encoding, body);
      expect(response.status).toBe(400);
      expect(await problem(response)).toMatchObject({
        status: 400,
        detail: `The request body is not valid ${encoding} data`,
        errors: [{ field: 'headers.content-encoding', message: expect.any(String) }],
      });
    });

    it('415 for an encoding it does not decode', async () => {
      const response = await encoded('compress', Buffer.from('abc'));
      expect(response.status).toBe(415);
      expect(await problem(response)).toMatchObject({
        status: 415,
        title: 'Unsupported Media Type',
        errors: [{ field: 'headers.content-encoding', message: 'is not supported' }],
      });
    });
  });

  it('400 naming the field that holds a NUL character, in the body and in the query', async () => {
    const body = await post('/echo', JSON.stringify({ note: 'lamp\u0000; DROP' }));
    expect(body.status).toBe(400);
    expect(await problem(body)).toMatchObject({
      errors: [{ field: 'body.note', message: 'must not contain a NUL character' }],
    });
    const query = await fetch(`${service.url}/items/7?verbose=%00`);
    expect(query.status).toBe(400);
    expect((await problem(query)).errors).toEqual([
      { field: 'query.verbose', message: 'must not contain a NUL character' },
    ]);
  });

  it('an HttpProblem keeps its own status and detail', async () => {
    const response = await fetch(`${service.url}/bad`);
    expect(await problem(response)).toMatchObject({ status: 400, detail: 'nope' });
  });

  it('500 without detail or stack, and a log line without the stack', async () => {
    const response = await fetch(`${service.url}/boom`);
    expect(response.status).toBe(500);
    const body = await problem(response);
    expect(body).toEqual({
      type: 'about:blank',
      title: 'Internal Server Error',
      status: 500,
      instance: '/boom',
      requestId: response.headers.get('x-request-id'),
    });
    const errorLine = logs.lines().find((l) => l.requestId === body.requestId && l.err !== undefined);
    expect(errorLine?.err).toEqual({ type: 'Error', message: expect.stringContaining('leaked') });
    expect(JSON.stringify(logs.lines())).not.toMatch(/\n\s+at /);
  });

  it('cuts a response that failed after its headers were sent, and logs the error', async () => {
    await expect(fetch(`${service.url}/partial`).then((r) => r.text())).rejects.toThrow();
    expect(logs.lines()).toContainEqual(
      expect.objectContaining({ level: 50, err: { type: 'Error', message: 'failed mid-response' } }),
    );
  });

  it('503 naming the dependency when it has no healthy instance', async () => {
    await echo.stop();
    try {
      const response = await fetch(`${service.url}/echo`);
      expect(response.status).toBe(503);
      expect((await problem(response)).detail).toBe('Dependency echo-service has no healthy instance');
    } finally {
      echo = await startStub(registry, 'echo-service', (req, res) =>
        sendJson(res, 200, { requestId: req.headers['x-request-id'] }),
      );
    }
  });
});

describe('logging', () => {
  it('never logs the Authorization header or bodies', async () => {
    await fetch(`${service.url}/items/3`, { headers: { authorization: 'Bearer secret-token-value' } });
    await post('/orders', JSON.stringify({ items: [{ productId: 1, quantity: 1 }], password: 'pw-in-body' }));
    const text = JSON.stringify(logs.lines());
    expect(text).not.toContain('secret-token-value');
    expect(text).not.toContain('pw-in-body');
  });

  it('redacts secret fields that application code logs', () => {
    service.ctx.log.info({ password: 'p1', user: { accessToken: 't1' }, headers: { authorization: 'a1' } }, 'careless');
    const line = logs.lines().find((l) => l.msg === 'careless');
    expect(line).toMatchObject({
      password: '[redacted]',
      user: { accessToken: '[redacted]' },
      headers: { authorization: '[redacted]' },
    });
  });
});

describe('metrics', () => {
  it('counts requests by route template, with one label for unmatched routes', async () => {
    await fetch(`${service.url}/items/11`);
    await fetch(`${service.url}/items/12`);
    await fetch(`${service.url}/random-${Date.now()}`);
    const text = await (await fetch(`${service.url}/metrics`)).text();
    expect(text).toMatch(/http_requests_total\{[^}]*method="GET",route="\/items\/:id",status="200"[^}]*\} \d+/);
    expect(text).toMatch(/http_requests_total\{[^}]*route="unmatched",status="404"[^}]*\}/);
    expect(text).not.toContain('/items/11');
    expect(text).not.toContain('random-');
    expect(text).toContain('http_request_duration_seconds_bucket');
    expect(text).toContain('process_cpu_user_seconds_total');
    const count = Number(/http_requests_total\{[^}]*route="\/items\/:id",status="200"[^}]*\} (\d+)/.exec(text)?.[1]);
    expect(count).toBeGreaterThanOrEqual(2);
  });
});

describe('metrics route labels', () => {
  it('include the mount path of nested routers, and names set by app.use handlers', async () => {
    await fetch(`${service.url}/v2/things/42`);
    await fetch(`${service.url}/passthrough/a/b/c`);
    const text = await (await fetch(`${service.url}/metrics`)).text();
    expect(text).toMatch(/http_requests_total\{[^}]*route="\/v2\/things\/:id",status="200"/);
    expect(text).toMatch(/http_requests_total\{[^}]*route="\/passthrough\/\*",status="200"/);
    expect(text).not.toContain('/passthrough/a');
  });
});

describe('health routes', () => {
  it('answers every probe', async () => {
    for (const path of ['/health', '/health/live', '/health/ready', '/health/startup']) {
      const response = await fetch(`${service.url}${path}`);
      expect({ path, status: response.status }).toEqual({ path, status: 200 });
    }
  });

  it('details dependencies and their policies', async () => {
    await fetch(`${service.url}/echo`);
    const body = (await (await fetch(`${service.url}/health/detailed`)).json()) as Record<string, unknown>;
    expect(body.services).toEqual(expect.arrayContaining([expect.objectContaining({ service: 'echo-service' })]));
    // Closed although an earlier test found no instance: an empty list does not count as a failure.
    expect(body.policies).toEqual(
      expect.arrayContaining([expect.objectContaining({ name: 'echo-service', state: 'closed' })]),
    );
  });
});
