import { ServiceTokenClient } from './service-tokens';

interface Exchange {
  url: string;
  authorization: string;
  body: string;
}

/** A token endpoint played by a function: each answer is a token lifetime in seconds, or a status. */
function harness(answers: (number | { status: number })[]) {
  let now = 1_000_000;
  const exchanges: Exchange[] = [];
  const fakeFetch = (async (url: string, init: RequestInit) => {
    const headers = init.headers as Record<string, string>;
    exchanges.push({ url, authorization: headers.authorization, body: String(init.body) });
    const answer = answers[Math.min(exchanges.length - 1, answers.length - 1)];
    if (typeof answer !== 'number') return new Response('{"error":"invalid_client"}', { status: answer.status });
    const token = `token-${exchanges.length}`;
    return Response.json({ access_token: token, token_type: 'Bearer', expires_in: answer });
  }) as typeof fetch;
  const client = new ServiceTokenClient({
    tokenUrl: 'http://issuer.test/oauth/token',
    clientId: 'order-service',
    clientSecret: 'a secret: with odd characters',
    timeoutMs: 1000,
    fetch: fakeFetch,
    now: () => now,
  });
  return {
    client,
    exchanges,
    advance(ms: number) {
      now += ms;
    },
  };
}

describe('ServiceTokenClient', () => {
  it('asks by client credentials with HTTP Basic, one token per audience', async () => {
    const h = harness([300]);
    expect(await h.client.headers('inventory-service')).toEqual({ authorization: 'Bearer token-1' });
    expect(await h.client.token('product-service')).toBe('token-2');
    const [first] = h.exchanges;
    expect(first.url).toBe('http://issuer.test/oauth/token');
    expect(Buffer.from(first.authorization.replace(/^Basic /, ''), 'base64').toString()).toBe(
      'order-service:a%20secret%3A%20with%20odd%20characters',
    );
    expect(Object.fromEntries(new URLSearchParams(first.body))).toEqual({
      grant_type: 'client_credentials',
      audience: 'inventory-service',
    });
  });

  it('shares one request between concurrent callers and holds the token', async () => {
    const h = harness([300]);
    const tokens = await Promise.all([1, 2, 3].map(() => h.client.token('inventory-service')));
    expect(tokens).toEqual(['token-1', 'token-1', 'token-1']);
    h.advance(200_000);
    expect(await h.client.token('inventory-service')).toBe('token-1');
    expect(h.exchanges).toHaveLength(1);
  });

  it('refreshes after three quarters of the lifetime, serving the held token meanwhile', async () => {
    const h = harness([300]);
    await h.client.token('inventory-service');
    h.advance(226_000);
    expect(await h.client.token('inventory-service')).toBe('token-1');
    await new Promise((resolve) => setImmediate(resolve));
    expect(h.exchanges).toHaveLength(2);
    expect(await h.client.token('inventory-service')).toBe('token-2');
  });

  it('keeps serving a held token through an issuer outage until it nearly expires, then fails', async () => {
    const h = harness([300, { status: 503 }]);
    await h.client.token('inventory-service');
    h.advance(280_000);
    expect(await h.client.token('inventory-service')).toBe('token-1');
    h.advance(16_000);
    await expect(h.client.token('inventory-service')).rejects.toMatchObject({
      code: 'SERVICE_CREDENTIAL_UNAVAILABLE',
      message: expect.stringContaining('answered 503'),
    });
  });

  it('holds a failure for a second instead of asking again on every call', async () => {
    const h = harness([{ status: 401 }, 300]);
    await expect(h.client.token('inventory-service')).rejects.toMatchObject({ code: 'SERVICE_CREDENTIAL_UNAVAILABLE' });
    await expect(h.client.token('inventory-service')).rejects.toMatchObject({ code: 'SERVICE_CREDENTIAL_UNAVAILABLE' });
    expect(h.exchanges).toHaveLength(1);
    h.advance(1000);
    expect(await h.client.token('inventory-service')).toBe('token-2');
  });
});
