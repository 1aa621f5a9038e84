import { EmbeddedDatabaseUnavailableError, loadEmbeddedPostgres } from './database';

describe('loadEmbeddedPostgres', () => {
  it('loads the development fallback where it is installed', async () => {
    const embedded = await loadEmbeddedPostgres();
    expect(typeof embedded.startEmbeddedPostgres).toBe('function');
  });

  it.each([
    ['require', 'MODULE_NOT_FOUND', "Cannot find module '@lab/embedded-postgres'"],
    ['import', 'ERR_MODULE_NOT_FOUND', "Cannot find package '@lab/embedded-postgres' imported from /app/x.js"],
  ])('says to set DATABASE_URL where it is not installed (%s)', async (_how, code, message) => {
    const missing = () => Promise.reject(Object.assign(new Error(message), { code }));
    const failure = loadEmbeddedPostgres(missing);
    await expect(failure).rejects.toBeInstanceOf(EmbeddedDatabaseUnavailableError);
    await expect(failure).rejects.toMatchObject({
      code: 'EMBEDDED_DATABASE_UNAVAILABLE',
      message: expect.stringContaining('Set DATABASE_URL'),
    });
  });

  it('passes on any other failure as it is', async () => {
    const broken = Object.assign(new Error("Cannot find module 'pglite-wasm'"), { code: 'MODULE_NOT_FOUND' });
    await expect(loadEmbeddedPostgres(() => Promise.reject(broken))).rejects.toBe(broken);
  });
});
