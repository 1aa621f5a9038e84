import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { readEnvLayer } from './env-layer';

describe('env layer', () => {
  it('maps variables onto paths, parsing values like KV values and skipping empty ones', () => {
    const layer = readEnvLayer(
      { LOG_LEVEL: 'logLevel', PRODUCT_TIMEOUT_MS: 'resilience.product-service.timeoutMs', UNSET: 'x', EMPTY: 'y' },
      { LOG_LEVEL: 'debug', PRODUCT_TIMEOUT_MS: '750', EMPTY: '' },
    );
    expect(layer).toEqual({
      tree: { logLevel: 'debug', resilience: { 'product-service': { timeoutMs: 750 } } },
      fromFile: [],
      pinned: { logLevel: 'LOG_LEVEL', 'resilience.product-service.timeoutMs': 'PRODUCT_TIMEOUT_MS' },
      issues: [],
    });
  });

  it('reads NAME_FILE and marks the path as secret; an unreadable file is an issue', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'config-env-'));
    try {
      writeFileSync(path.join(dir, 'pw'), 's3cret\n');
      const layer = readEnvLayer(
        { DB_PASSWORD: 'database.password', API_KEY: 'api.key' },
        { DB_PASSWORD_FILE: path.join(dir, 'pw'), API_KEY_FILE: path.join(dir, 'missing') },
      );
      expect(layer.tree).toEqual({ database: { password: 's3cret' } });
      expect(layer.fromFile).toEqual(['database.password']);
      expect(layer.issues).toEqual([{ path: 'API_KEY_FILE', message: expect.stringContaining('ENOENT') }]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('refuses a mapping onto a prototype path', () => {
    expect(readEnvLayer({ X: '__proto__.polluted' }, { X: '1' }).issues).toEqual([
      { path: 'X', message: 'maps to an invalid path "__proto__.polluted"' },
    ]);
  });
});
