import { exportJWK, generateKeyPair, type JSONWebKeySet } from 'jose';
import { JwksCache } from './jwks-cache';

async function keySet(kid: string): Promise<JSONWebKeySet> {
  const { publicKey } = await generateKeyPair('ES256');
  return { keys: [{ ...(await exportJWK(publicKey)), kid, alg: 'ES256' }] };
}

function harness(answers: (JSONWebKeySet | Error)[]) {
  let now = 1_000_000;
  let fetches = 0;
  const cache = new JwksCache(
    async () => {
      const answer = answers[Math.min(fetches++, answers.length - 1)];
      if (answer instanceof Error) throw answer;
      return answer;
    },
    { ttlMs: 300_000, minRefetchIntervalMs: 10_000, now: () => now },
  );
  return {
    cache,
    fetches: () => fetches,
    advance(ms: number) {
      now += ms;
    },
  };
}

describe('JwksCache', () => {
  it('fetches once, shares concurrent fetches, and refetches after the TTL', async () => {
    const h = harness([await keySet('a')]);
    await Promise.all([h.cache.current(), h.cache.current(), h.cache.current()]);
    expect(h.fetches()).toBe(1);
    h.advance(299_999);
    await h.cache.current();
    expect(h.fetches()).toBe(1);
    h.advance(2);
    await h.cache.current();
    expect(h.fetches()).toBe(2);
  });

  it('refetches for an unknown kid at most once per interval', async () => {
    const h = harness([await keySet('a'), await keySet('b')]);
    await h.cache.current();
    expect(await h.cache.refreshForUnknownKid()).toBeUndefined();
    h.advance(10_000);
    expect(await h.cache.refreshForUnknownKid()).toBeDefined();
    expect(h.fetches()).toBe(2);
    expect(await h.cache.refreshForUnknownKid()).toBeUndefined();
    expect(h.fetches()).toBe(2);
  });

  it('keeps serving the last keys when a refresh fails, and retries soon after', async () => {
    const good = await keySet('a');
    const h = harness([good, new Error('down'), good]);
    const first = await h.cache.current();
    h.advance(300_000);
    expect(await h.cache.current()).toBe(first);
    expect(h.fetches()).toBe(2);
    await h.cache.current();
    expect(h.fetches()).toBe(2);
    h.advance(10_000);
    await h.cache.current();
    expect(h.fetches()).toBe(3);
  });

  it('fails with JWKS_UNAVAILABLE when no keys were ever fetched', async () => {
    const h = harness([new Error('connection refused')]);
    await expect(h.cache.current()).rejects.toMatchObject({ code: 'JWKS_UNAVAILABLE' });
  });

  it('rejects a document without keys', async () => {
    const h = harness([{ nope: true } as unknown as JSONWebKeySet]);
    await expect(h.cache.current()).rejects.toMatchObject({
      code: 'JWKS_UNAVAILABLE',
      message: expect.stringContaining('keys'),
    });
  });
});
