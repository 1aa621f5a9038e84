import { randomBytes } from 'node:crypto';
import type { ServiceRegistry } from '../../src/types';
import type { RegistryKv } from '../../src/kv/registry-kv';
import { RegistryUnavailableError } from '../../src/errors';
import { waitFor } from '../support/infra';

export interface KvBackendUnderTest {
  kind: string;
  /** A registry of its own on the server under test. */
  connect(): ServiceRegistry;
  /** A registry whose server cannot be reached, with short timeouts. */
  unreachable(): Promise<ServiceRegistry>;
}

/** What a watch has heard: each delivery as a plain object, and each error's message. */
function recorder() {
  const changes: Record<string, string>[] = [];
  const errors: string[] = [];
  return {
    changes,
    errors,
    onChange: (entries: Map<string, string>) => void changes.push(Object.fromEntries(entries)),
    onError: (error: Error) => void errors.push(error.message),
    last: () => changes.at(-1),
  };
}

/**
 * The promises of a registry's KV store (`registry.kv`), checked on one backend's real server: what
 * live configuration relies on. Every test works under a prefix of its own.
 */
export function registryKvContract(backend: KvBackendUnderTest): void {
  describe(`registry KV: ${backend.kind}`, () => {
    let registries: ServiceRegistry[];
    let kv: RegistryKv;
    let prefix: string;

    const connect = (): RegistryKv => {
      const registry = backend.connect();
      registries.push(registry);
      if (registry.kv === undefined) throw new Error(`${backend.kind} has no KV store`);
      return registry.kv;
    };

    beforeEach(() => {
      registries = [];
      kv = connect();
      prefix = `kv-test-${randomBytes(4).toString('hex')}/`;
    });
    afterEach(async () => {
      await Promise.all(registries.map((registry) => registry.close()));
    });

    it('lists the non-empty entries under a prefix, and no others', async () => {
      await kv.put(`${prefix}a/b`, '1');
      await kv.put(`${prefix}a/c`, '');
      await kv.put(`${prefix}a/d/e`, 'two words');
      await kv.put(`${prefix}other`, '3');
      expect(Object.fromEntries(await kv.list(`${prefix}a/`))).toEqual({
        [`${prefix}a/b`]: '1',
        [`${prefix}a/d/e`]: 'two words',
      });
      expect(await kv.list(`${prefix}nothing/`)).toEqual(new Map());
    });

    it('replaces a value, and deletes a key while keeping its children', async () => {
      await kv.put(`${prefix}cache`, '{"ttlSeconds":60}');
      await kv.put(`${prefix}cache/ttlSeconds`, '5');
      await kv.put(`${prefix}cache`, '{"ttlSeconds":30}');
      expect((await kv.list(prefix)).get(`${prefix}cache`)).toBe('{"ttlSeconds":30}');
      await kv.delete(`${prefix}cache`);
      await kv.delete(`${prefix}never-written`);
      expect(Object.fromEntries(await kv.list(prefix))).toEqual({ [`${prefix}cache/ttlSeconds`]: '5' });
    });

    it('refuses keys that no backend could store alike', async () => {
      for (const key of ['', '/leading', 'trailing/', 'double//slash']) {
        await expect(kv.put(key, 'x')).rejects.toThrow(RangeError);
      }
    });

    it('calls back with the current entries, then after each change, and never after close', async () => {
      await kv.put(`${prefix}x`, '1');
      const heard = recorder();
      const watch = kv.watch(prefix, heard.onChange, heard.onError);
      await waitFor(() => heard.changes.length === 1, { description: 'the first delivery' });
      expect(heard.changes[0]).toEqual({ [`${prefix}x`]: '1' });

      // Another process writes.
      const writer = connect();
      await writer.put(`${prefix}y/z`, '2');
      await waitFor(() => heard.last()?.[`${prefix}y/z`] === '2', { description: 'the new key' });
      expect(heard.last()).toEqual({ [`${prefix}x`]: '1', [`${prefix}y/z`]: '2' });
      await writer.delete(`${prefix}x`);
      await waitFor(() => heard.last()?.[`${prefix}x`] === undefined, { description: 'the delete' });
      expect(heard.last()).toEqual({ [`${prefix}y/z`]: '2' });

      watch.close();
      const heardBefore = heard.changes.length;
      await writer.put(`${prefix}after`, 'closed');
      await new Promise((resolve) => setTimeout(resolve, 200));
      expect(heard.changes).toHaveLength(heardBefore);
      expect(heard.errors).toEqual([]);
    });

    it('follows keys created, changed and removed deep under the prefix, and the prefix itself going', async () => {
      const heard = recorder();
      const watch = kv.watch(`${prefix}app/`, heard.onChange, heard.onError);
      await waitFor(() => heard.changes.length === 1, { description: 'the first delivery' });
      expect(heard.changes[0]).toEqual({});
      const key = (path: string) => `${prefix}app/${path}`;
      const sorted = (entries: Record<string, string> = {}) => JSON.stringify(Object.entries(entries).sort());
      const expectLast = async (entries: Record<string, string>, what: string) => {
        await waitFor(() => sorted(heard.last()) === sorted(entries), { description: what });
      };

      await kv.put(key('a/b/c'), '1');
      await expectLast({ [key('a/b/c')]: '1' }, 'a key three levels down');
      await kv.put(key('a/b/d'), '2');
      await expectLast({ [key('a/b/c')]: '1', [key('a/b/d')]: '2' }, 'its sibling');
      await kv.put(key('a/b/c'), '3');
      await expectLast({ [key('a/b/c')]: '3', [key('a/b/d')]: '2' }, 'the changed value');
      await kv.put(key('a'), 'parent');
      await expectLast({ [key('a')]: 'parent', [key('a/b/c')]: '3', [key('a/b/d')]: '2' }, 'a value on a parent');
      await kv.delete(key('a/b/c'));
      await expectLast({ [key('a')]: 'parent', [key('a/b/d')]: '2' }, 'the removed key');
      for (const path of ['a/b/d', 'a']) await kv.delete(key(path));
      await expectLast({}, 'nothing left');
      await kv.put(key('again'), 'back');
      await expectLast({ [key('again')]: 'back' }, 'a key written after everything was gone');
      expect(heard.errors).toEqual([]);
      watch.close();
    });

    it('ends a burst of writes at the last one, never going back', async () => {
      const heard = recorder();
      const watch = kv.watch(prefix, heard.onChange, heard.onError);
      await waitFor(() => heard.changes.length === 1, { description: 'the first delivery' });
      for (let i = 1; i <= 20; i++) await kv.put(`${prefix}counter`, String(i));
      await waitFor(() => heard.last()?.[`${prefix}counter`] === '20', { timeoutMs: 10_000, description: 'the last' });
      const counters = heard.changes.slice(1).map((c) => Number(c[`${prefix}counter`]));
      expect(counters).toEqual([...counters].sort((a, b) => a - b));
      expect(counters.length).toBeLessThanOrEqual(20);
      watch.close();
    });

    it('closes its watches with the registry', async () => {
      const registry = backend.connect();
      const heard = recorder();
      registry.kv?.watch(prefix, heard.onChange, heard.onError);
      await waitFor(() => heard.changes.length === 1, { description: 'the first delivery' });
      await registry.close();
      await kv.put(`${prefix}after-close`, '1');
      await new Promise((resolve) => setTimeout(resolve, 200));
      expect(heard.changes).toHaveLength(1);
    });

    it('fails as the registry does when its server cannot be reached, and says so to a watch', async () => {
      const registry = await backend.unreachable();
      registries.push(registry);
      await expect(registry.kv?.list(prefix)).rejects.toBeInstanceOf(RegistryUnavailableError);
      const heard = recorder();
      registry.kv?.watch(prefix, heard.onChange, heard.onError);
      await waitFor(() => heard.errors.length > 0, { description: 'the watch to report the outage' });
      expect(heard.changes).toEqual([]);
    });
  });
}
