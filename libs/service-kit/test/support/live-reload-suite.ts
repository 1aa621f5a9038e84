import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { z } from 'zod';
import { type ConfigStore, createConfigStore, type KvSource, kvPrefix } from '@lab/config';
import { describeWithInfra, waitFor } from '@lab/testing';
import { configCheck } from '../../src/health/config-check';
import { type KvBackend, namespacedKv } from './kv-backends';

export const reloadSchema = z.object({
  logLevel: z.enum(['debug', 'info', 'warn', 'error']).default('info'),
  cache: z.object({ ttlSeconds: z.number().int().min(1).max(3600).default(60) }).prefault({}),
  counter: z.number().int().min(0).default(0),
});
export type ReloadConfig = z.output<typeof reloadSchema>;

interface RunningStore {
  store: ConfigStore<ReloadConfig>;
  kv: KvSource;
  seen: { config: ReloadConfig; changed: string[] }[];
}

/**
 * The live-reload promises, checked against one backend's real server through the registry's KV
 * store: a valid change reaches every subscriber of every store, an invalid one is rejected by all
 * and changes nothing, and a burst of changes ends at the last one. Each store has a registry of
 * its own, as separate services would; the file's keys live under a namespace of their own.
 */
export function liveReloadSuite(backend: KvBackend): void {
  describeWithInfra([backend], `live reload from the KV store [${backend}]`, () => {
    const namespace = `test-${randomBytes(4).toString('hex')}`;
    let configDir: string;
    let service: string;
    let writer: KvSource;
    let stores: RunningStore[];

    beforeAll(() => {
      configDir = mkdtempSync(path.join(tmpdir(), `config-reload-${backend}-`));
    });
    afterAll(() => rmSync(configDir, { recursive: true, force: true }));

    beforeEach(async () => {
      service = `reload-${randomBytes(4).toString('hex')}`;
      mkdirSync(path.join(configDir, service));
      writeFileSync(path.join(configDir, service, 'default.yaml'), 'logLevel: info\ncache:\n  ttlSeconds: 60\n');
      writer = namespacedKv(backend, namespace);
      stores = [];
      for (let i = 0; i < 2; i++) {
        const kv = namespacedKv(backend, namespace);
        const store = await createConfigStore({
          service,
          schema: reloadSchema,
          configDir,
          environment: 'test',
          kv,
          env: {},
        });
        const running: RunningStore = { store, kv, seen: [] };
        store.subscribe((config, changed) => running.seen.push({ config, changed }));
        stores.push(running);
      }
    });

    afterEach(async () => {
      for (const { store, kv } of stores) {
        await store.close();
        await kv.close();
      }
      await writer.close();
    });

    const key = (relative: string): string => `${kvPrefix(service)}${relative}`;

    it('starts connected, with the files in force', () => {
      for (const { store } of stores) {
        expect(store.current()).toEqual({ logLevel: 'info', cache: { ttlSeconds: 60 }, counter: 0 });
        expect(store.status()).toMatchObject({ version: 1, rejections: 0, kv: { kind: backend, connected: true } });
      }
    });

    it('delivers a valid change to every subscriber of every store, with the changed path', async () => {
      await writer.put(key('cache/ttlSeconds'), '30');
      await waitFor(() => stores.every((s) => s.seen.length === 1), {
        timeoutMs: 5_000,
        description: 'both stores to apply the change',
      });
      for (const { store, seen } of stores) {
        expect(seen[0]).toEqual({
          config: { logLevel: 'info', cache: { ttlSeconds: 30 }, counter: 0 },
          changed: ['cache.ttlSeconds'],
        });
        expect(store.current().cache.ttlSeconds).toBe(30);
        expect(store.status().version).toBe(2);
        expect(store.explain()['cache.ttlSeconds']).toEqual({ value: 30, source: 'kv' });
      }
    });

    it('rejects an invalid change everywhere, keeps the last good configuration, and applies the fix', async () => {
      await writer.put(key('logLevel'), 'warn');
      await waitFor(() => stores.every((s) => s.store.current().logLevel === 'warn'), {
        timeoutMs: 5_000,
        description: 'the valid change',
      });
      const before = stores.map((s) => ({
        config: s.store.current(),
        version: s.store.status().version,
        seen: s.seen.length,
      }));

      await writer.put(key('cache/ttlSeconds'), '-5');
      await waitFor(() => stores.every((s) => s.store.status().rejections === 1), {
        timeoutMs: 5_000,
        description: 'both stores to reject',
      });
      stores.forEach(({ store, seen }, i) => {
        expect(store.current()).toBe(before[i].config);
        expect(store.status()).toMatchObject({
          version: before[i].version,
          lastRejection: { source: 'kv', issues: [{ path: 'cache.ttlSeconds', message: expect.any(String) }] },
        });
        expect(seen).toHaveLength(before[i].seen);
      });

      await writer.put(key('cache/ttlSeconds'), '120');
      await waitFor(() => stores.every((s) => s.store.current().cache.ttlSeconds === 120), {
        timeoutMs: 5_000,
        description: 'the fix',
      });
      expect(stores.map((s) => s.store.current().logLevel)).toEqual(['warn', 'warn']);
    });

    it('clears the config health check when the value in force is written back over a refused one', async () => {
      const checks = stores.map((s) => configCheck(() => s.store.status()));
      const outcomes = () =>
        Promise.all(
          checks.map((check) =>
            check.run(new AbortController().signal).then(
              () => 'pass',
              () => 'fail',
            ),
          ),
        );
      await writer.put(key('cache/ttlSeconds'), '-5');
      await waitFor(() => stores.every((s) => s.store.status().rejections === 1), {
        timeoutMs: 5_000,
        description: 'both stores to refuse the key',
      });
      expect(await outcomes()).toEqual(['fail', 'fail']);

      // The value in force (the files' 60): nothing changes, and nothing is refused any more.
      await writer.put(key('cache/ttlSeconds'), '60');
      await waitFor(async () => (await outcomes()).every((o) => o === 'pass'), {
        timeoutMs: 5_000,
        description: 'the config check to pass again',
      });
      for (const { store, seen } of stores) {
        expect(store.status()).toMatchObject({ version: 1, rejections: 1, rejected: false });
        expect(seen).toEqual([]);
      }
    });

    it('ends a burst of 20 changes at the last one', async () => {
      for (let i = 1; i <= 20; i++) await writer.put(key('counter'), String(i));
      await waitFor(() => stores.every((s) => s.store.current().counter === 20), {
        timeoutMs: 10_000,
        description: 'the last write',
      });
      // Nothing older arrives after the last one.
      await new Promise((resolve) => setTimeout(resolve, 300));
      for (const { store, seen } of stores) {
        expect(store.current().counter).toBe(20);
        expect(seen.at(-1)?.config.counter).toBe(20);
        const counters = seen.map((s) => s.config.counter);
        expect(counters).toEqual([...counters].sort((a, b) => a - b));
        expect(seen.length).toBeLessThanOrEqual(20);
      }
    });

    it('layers the service keys over the shared ones, and evaluates flags from the store', async () => {
      const shared = `${kvPrefix('shared')}logLevel`;
      try {
        await writer.put(shared, 'debug');
        await writer.put(key('flags/new-checkout'), JSON.stringify({ enabled: true, roles: ['admin'] }));
        await waitFor(() => stores.every((s) => s.store.flags().isEnabled('new-checkout', { role: 'admin' })), {
          timeoutMs: 5_000,
          description: 'the flag',
        });
        await waitFor(() => stores.every((s) => s.store.current().logLevel === 'debug'), {
          timeoutMs: 5_000,
          description: 'the shared key',
        });
        expect(stores[0].store.flags().isEnabled('new-checkout', { role: 'customer', userId: 'u1' })).toBe(false);

        await writer.put(key('logLevel'), 'error');
        await waitFor(() => stores.every((s) => s.store.current().logLevel === 'error'), {
          timeoutMs: 5_000,
          description: 'the service key to win',
        });
        await writer.delete(key('logLevel'));
        await waitFor(() => stores.every((s) => s.store.current().logLevel === 'debug'), {
          timeoutMs: 5_000,
          description: 'the shared key again',
        });
      } finally {
        await writer.delete(shared);
      }
    });
  });
}
