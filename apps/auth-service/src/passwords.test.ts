import { DummyPasswordHash, hashPassword, needsRehash, verifyPassword } from './passwords';

describe('password hashing', () => {
  it("stores a self-describing scrypt string at OWASP's cost (N=2^17, r=8, p=1)", async () => {
    const stored = await hashPassword('correct horse battery');
    const [scheme, N, r, p, salt, hash] = stored.split('$');
    expect([scheme, N, r, p]).toEqual(['scrypt', '131072', '8', '1']);
    expect(Buffer.from(salt, 'base64url')).toHaveLength(16);
    expect(Buffer.from(hash, 'base64url')).toHaveLength(64);
  });

  it('salts every hash, so the same password never stores the same string', async () => {
    const [a, b] = await Promise.all([hashPassword('same password'), hashPassword('same password')]);
    expect(a).not.toBe(b);
  });

  it('accepts the right password and rejects a wrong one', async () => {
    const stored = await hashPassword('correct horse battery');
    await expect(verifyPassword('correct horse battery', stored)).resolves.toBe(true);
    await expect(verifyPassword('correct horse batterY', stored)).resolves.toBe(false);
  });

  it('verifies with the parameters stored in the string, not the current defaults', async () => {
    const stored = await hashPassword('old cheap hash', { N: 1024, r: 8, p: 1 });
    expect(stored.startsWith('scrypt$1024$8$1$')).toBe(true);
    await expect(verifyPassword('old cheap hash', stored)).resolves.toBe(true);
  });

  it('asks for a rehash of hashes made with other parameters only', async () => {
    expect(needsRehash(await hashPassword('pw'))).toBe(false);
    expect(needsRehash(await hashPassword('pw', { N: 16384, r: 8, p: 1 }))).toBe(true);
    expect(needsRehash(await hashPassword('pw', { N: 1024, r: 8, p: 2 }))).toBe(true);
    expect(needsRehash('not a hash')).toBe(false);
  });

  it.each([
    ['empty', ''],
    ['another scheme', 'bcrypt$2b$10$abc'],
    ['a cost that is not a power of two', 'scrypt$1000$8$1$c2FsdA$aGFzaA'],
    ['an absurd cost', `scrypt$${2 ** 30}$8$1$c2FsdA$aGFzaA`],
    ['missing fields', 'scrypt$16384$8$1$c2FsdA'],
  ])('treats a malformed stored string (%s) as a mismatch', async (_label, stored) => {
    await expect(verifyPassword('anything', stored)).resolves.toBe(false);
  });

  it('makes the dummy hash once and reuses it', async () => {
    const dummy = new DummyPasswordHash();
    const first = await dummy.value();
    expect(await dummy.value()).toBe(first);
    await expect(verifyPassword('guess', first)).resolves.toBe(false);
  });
});
