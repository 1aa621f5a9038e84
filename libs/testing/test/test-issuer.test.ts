import { createLocalJWKSet, createRemoteJWKSet, decodeProtectedHeader, errors, jwtVerify } from 'jose';
import { createTestIssuer } from '../src';

describe('createTestIssuer', () => {
  it('signs ES256 at+jwt access tokens that verify against its JWKS with the default issuer and audience', async () => {
    const issuer = await createTestIssuer();
    const token = await issuer.sign({ sub: 'user-1', role: 'admin', email: 'ada@example.test' });
    const { payload, protectedHeader } = await jwtVerify(token, createLocalJWKSet(issuer.jwks), {
      issuer: 'auth-service',
      audience: 'service-discovery-lab',
      typ: 'at+jwt',
    });
    expect(protectedHeader).toMatchObject({ alg: 'ES256', kid: issuer.jwks.keys[0].kid });
    expect(payload).toMatchObject({ sub: 'user-1', role: 'admin', email: 'ada@example.test' });
    expect(payload.exp! - payload.iat!).toBe(300);
    expect(issuer.jwks.keys[0]).not.toHaveProperty('d');
    expect(JSON.parse(issuer.verifierEnv.JWT_PUBLIC_KEYS)).toEqual(issuer.jwks);
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

  it('signs service tokens under their own typ, and raw payloads exactly as given', async () => {
    const issuer = await createTestIssuer();
    const service = await issuer.signService({ sub: 'order-service', audience: 'inventory-service' });
    const { payload } = await jwtVerify(service, createLocalJWKSet(issuer.jwks), { typ: 'service+jwt' });
    expect(payload).toMatchObject({ sub: 'order-service', aud: 'inventory-service', iss: 'auth-service' });
    const raw = await issuer.signRaw({ sub: 'x' });
    expect(decodeProtectedHeader(raw)).toEqual({ alg: 'ES256', kid: issuer.jwks.keys[0].kid });
    expect(JSON.parse(Buffer.from(raw.split('.')[1], 'base64url').toString())).toEqual({ sub: 'x' });
  });

  it("does not verify against another issuer's keys", async () => {
    const [mine, theirs] = await Promise.all([createTestIssuer(), createTestIssuer()]);
    const token = await theirs.sign({ sub: 'u', role: 'admin' });
    await expect(jwtVerify(token, createLocalJWKSet(mine.jwks))).rejects.toThrow();
  });
});

describe('createTestIssuer().serve', () => {
  it('serves the JWKS, and service tokens to known clients only', async () => {
    const issuer = await createTestIssuer();
    const served = await issuer.serve({ clients: { 'order-service': 's3cret' } });
    try {
      const token = await issuer.sign({ sub: 'user-2', role: 'customer' });
      await expect(
        jwtVerify(token, createRemoteJWKSet(new URL(served.jwksUrl)), { issuer: issuer.issuer }),
      ).resolves.toMatchObject({ payload: { sub: 'user-2', role: 'customer' } });

      const ask = (secret: string) =>
        fetch(served.tokenUrl, {
          method: 'POST',
          headers: {
            authorization: `Basic ${Buffer.from(`order-service:${secret}`).toString('base64')}`,
            'content-type': 'application/x-www-form-urlencoded',
          },
          body: 'grant_type=client_credentials&audience=inventory-service',
        });
      const granted = await ask('s3cret');
      expect(granted.status).toBe(200);
      const { access_token: accessToken } = (await granted.json()) as { access_token: string };
      const { payload } = await jwtVerify(accessToken, createLocalJWKSet(issuer.jwks), { typ: 'service+jwt' });
      expect(payload).toMatchObject({ sub: 'order-service', aud: 'inventory-service' });
      expect((await ask('wrong')).status).toBe(401);
      expect(served.tokenRequests).toEqual([
        { clientId: 'order-service', audience: 'inventory-service' },
        { clientId: undefined, audience: 'inventory-service' },
      ]);
      expect((await fetch(new URL('/other', served.url))).status).toBe(404);
    } finally {
      await served.stop();
    }
  });
});
