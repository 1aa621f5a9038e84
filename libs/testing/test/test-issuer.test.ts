import { createLocalJWKSet, createRemoteJWKSet, errors, jwtVerify } from 'jose';
import { JWKS_PATH, createTestIssuer, describeWithInfra, infra } from '../src';
import { consulHttpRegistry } from './support/consul-http';

describe('createTestIssuer', () => {
  it('signs ES256 tokens that verify against its JWKS with the default issuer and audience', async () => {
    const issuer = await createTestIssuer();
    const token = await issuer.sign({ sub: 'user-1', role: 'admin', email: 'ada@example.test' });
    const { payload, protectedHeader } = await jwtVerify(token, createLocalJWKSet(issuer.jwks), {
      issuer: 'auth-service',
      audience: 'service-discovery-lab',
    });
    expect(protectedHeader).toMatchObject({ alg: 'ES256', kid: issuer.jwks.keys[0].kid });
    expect(payload).toMatchObject({ sub: 'user-1', role: 'admin', email: 'ada@example.test' });
    expect(payload.exp! - payload.iat!).toBe(300);
    expect(issuer.jwks.keys[0]).not.toHaveProperty('d');
  });

  it('forges tokens for the wrong issuer or audience, and expired ones, that verification rejects', async () => {
    const issuer = await createTestIssuer({ issuer: 'auth', audience: 'shop' });
    const keys = createLocalJWKSet(issuer.jwks);
    const expected = { issuer: 'auth', audience: 'shop' };
    const claims = { sub: 'u', role: 'customer' } as const;
    await expect(jwtVerify(await issuer.sign(claims), keys, expected)).resolves.toBeDefined();
    await expect(jwtVerify(await issuer.sign(claims, { issuer: 'evil' }), keys, expected)).rejects.toThrow(/"iss"/);
    await expect(jwtVerify(await issuer.sign(claims, { audience: 'other' }), keys, expected)).rejects.toThrow(/"aud"/);
    await expect(jwtVerify(await issuer.sign(claims, { expiresIn: '-1m' }), keys, expected)).rejects.toBeInstanceOf(
      errors.JWTExpired,
    );
  });

  it("does not verify against another issuer's keys", async () => {
    const [mine, theirs] = await Promise.all([createTestIssuer(), createTestIssuer()]);
    const token = await theirs.sign({ sub: 'u', role: 'admin' });
    await expect(jwtVerify(token, createLocalJWKSet(mine.jwks))).rejects.toThrow();
  });
});

describeWithInfra(['consul'], 'createTestIssuer().serve', () => {
  it('serves the JWKS from a server registered as auth-service, and deregisters it on stop', async () => {
    const registry = consulHttpRegistry(infra('consul').url!);
    const issuer = await createTestIssuer();
    const served = await issuer.serve(registry);
    try {
      const [instance] = await registry.passing('auth-service');
      expect(`http://${instance.address}:${instance.port}`).toBe(served.url);
      const jwks = createRemoteJWKSet(new URL(JWKS_PATH, served.url));
      const token = await issuer.sign({ sub: 'user-2', role: 'customer' });
      await expect(jwtVerify(token, jwks, { issuer: issuer.issuer, audience: issuer.audience })).resolves.toMatchObject(
        {
          payload: { sub: 'user-2', role: 'customer' },
        },
      );
      expect((await fetch(new URL('/other', served.url))).status).toBe(404);
    } finally {
      await served.stop();
    }
    await expect(registry.passing('auth-service')).resolves.toEqual([]);
  });
});
