import { randomUUID } from 'node:crypto';
import { WatchedInstanceCache } from '../../src/cache/watched-instance-cache';
import { RegistrationKeeper } from '../../src/registration/registration-keeper';
import type { ServiceInstance, ServiceRegistration, ServiceRegistry } from '../../src/types';
import { describeWithRequirement, waitFor } from '../support/infra';
import type { ProcessRegistration } from './registered-process';
import { startRegisteredProcess } from './registered-process';

/** A registry server the test owns: it can crash it and bring it back empty on the same address. */
export interface ControlledServer {
  /** A new client of this server (the test closes it). */
  connect(): ServiceRegistry;
  /** Kills the server; clients see it gone. */
  crash(): Promise<void>;
  /** Starts it again, empty, on the same address (killing it first if it runs). */
  restart(): Promise<void>;
  close(): Promise<void>;
}

export interface ContractBackend {
  kind: string;
  /** A new client of the backend's shared server, with short timings for tests. */
  connect(): ServiceRegistry;
  /** Registers `r` in a state this backend does not list: a failing check, a critical status. */
  registerUnhealthy(registry: ServiceRegistry, r: ServiceRegistration): Promise<void>;
  /** How a separate process registers, and within how long its death must show; none for memory. */
  liveness?: {
    /** e.g. "lease 2 s": the mechanism and its setting, for the printed measurement. */
    what: string;
    process(r: ServiceRegistration): ProcessRegistration;
    /** The longest the instance may outlive its process, given what the process reported. */
    boundMs(info: { sessionTimeoutMs?: number }): number;
  };
  /** A server the test may crash and restart empty, or why there is none here. */
  controlled?: { unavailable?: string; start(): Promise<ControlledServer> };
}

const ids = (instances: readonly ServiceInstance[]): string[] => instances.map((i) => i.id);

/**
 * The one suite every backend passes against its real server: what a registry promises, proven
 * the same way for each. Measured times are printed as `contract[<kind>]: ...`.
 */
export function registryContract(backend: ContractBackend): void {
  const say = (what: string): void => console.log(`contract[${backend.kind}]: ${what}`);

  describe(`registry contract: ${backend.kind}`, () => {
    let registry: ServiceRegistry;
    let service: string;

    const registration = (id: string, extra: Partial<ServiceRegistration> = {}): ServiceRegistration => ({
      id: `${service}-${id}`,
      name: service,
      address: '127.0.0.1',
      port: 4000,
      ...extra,
    });
    const listed = async (): Promise<string[]> => ids(await registry.healthyInstances(service));

    beforeEach(() => {
      // A fresh service name per test keeps tests apart on a shared server.
      service = `contract-${randomUUID().slice(0, 8)}`;
      registry = backend.connect();
    });
    afterEach(() => registry.close());

    it('registers an instance with its address, port, tags and meta, and deregisters it', async () => {
      const r = registration('a', { address: '10.1.2.3', port: 3002, tags: ['v1'], meta: { zone: 'eu-1' } });
      await registry.register(r);
      await waitFor(async () => (await listed()).length === 1, { timeoutMs: 3000, intervalMs: 10 });
      expect(await registry.healthyInstances(service)).toEqual([
        { id: r.id, name: service, address: '10.1.2.3', port: 3002, tags: ['v1'], meta: { zone: 'eu-1' } },
      ]);
      expect(await registry.isRegistered(r.id)).toBe(true);

      await registry.deregister(r.id);
      expect(await listed()).toEqual([]);
      expect(await registry.isRegistered(r.id)).toBe(false);
      // Deregistering what is gone is not an error.
      await expect(registry.deregister(r.id)).resolves.toBeUndefined();
    });

    it('registering again replaces the instance rather than adding one', async () => {
      await registry.register(registration('a', { port: 4001 }));
      await registry.register(registration('a', { port: 4002, tags: ['v2'] }));
      await waitFor(async () => (await registry.healthyInstances(service)).some((i) => i.port === 4002), {
        timeoutMs: 3000,
        intervalMs: 10,
      });
      expect(await registry.healthyInstances(service)).toMatchObject([
        { id: `${service}-a`, port: 4002, tags: ['v2'] },
      ]);
    });

    it('does not list an unhealthy instance', async () => {
      await registry.register(registration('up'));
      await backend.registerUnhealthy(registry, registration('down'));
      await waitFor(async () => (await listed()).length > 0, { timeoutMs: 5000, intervalMs: 10 });
      expect(await registry.isRegistered(`${service}-down`)).toBe(true);
      // Looked at more than once (a registry's check runs several times meanwhile): still out.
      for (let i = 0; i < 3; i++) {
        expect(await listed()).toEqual([`${service}-up`]);
        await new Promise((resolve) => setTimeout(resolve, 150));
      }
    });

    it('filters by every requested tag and by meta', async () => {
      await Promise.all([
        registry.register(registration('a', { tags: ['v1', 'eu'], meta: { zone: 'a' } })),
        registry.register(registration('b', { tags: ['v1'], meta: { zone: 'b' } })),
        registry.register(registration('c', { tags: ['v2', 'eu'], meta: { zone: 'a' } })),
      ]);
      await waitFor(async () => (await listed()).length === 3, { timeoutMs: 3000, intervalMs: 10 });
      const find = async (filter: { tags?: string[]; meta?: Record<string, string> }) =>
        ids(await registry.healthyInstances(service, filter)).map((id) => id.slice(service.length + 1));
      expect(await find({ tags: ['v1'] })).toEqual(['a', 'b']);
      expect(await find({ tags: ['v1', 'eu'] })).toEqual(['a']);
      expect(await find({ meta: { zone: 'a' } })).toEqual(['a', 'c']);
      expect(await find({ tags: ['eu'], meta: { zone: 'b' } })).toEqual([]);

      // A watch applies the same filter.
      const seen: string[][] = [];
      const watch = registry.watch(service, { onChange: (list) => seen.push(ids(list)) }, { tags: ['eu'] });
      try {
        await waitFor(() => seen.length > 0, { timeoutMs: 3000, intervalMs: 10 });
        expect(seen.at(-1)).toEqual([`${service}-a`, `${service}-c`]);
      } finally {
        watch.close();
      }
    });

    it('a watch sees the current state, an added instance and a removed one', async () => {
      await registry.register(registration('a'));
      const seen: string[][] = [];
      const watch = registry.watch(service, { onChange: (list) => seen.push(ids(list)) });
      const last = (): string | undefined => seen.at(-1)?.join();
      try {
        await waitFor(() => last() === `${service}-a`, { timeoutMs: 3000, intervalMs: 10 });
        await registry.register(registration('b'));
        await waitFor(() => last() === `${service}-a,${service}-b`, { timeoutMs: 3000, intervalMs: 10 });
        await registry.deregister(`${service}-a`);
        await waitFor(() => last() === `${service}-b`, { timeoutMs: 3000, intervalMs: 10 });
        // Every delivery was a real change.
        for (let i = 1; i < seen.length; i++) expect(seen[i]).not.toEqual(seen[i - 1]);
      } finally {
        watch.close();
      }
    });

    it('50 concurrent registrations all land, and a watching cache sees every one', async () => {
      const cache = new WatchedInstanceCache(registry, service);
      cache.start();
      const all = Array.from({ length: 50 }, (_, i) =>
        registration(`n${String(i).padStart(2, '0')}`, { port: 5000 + i }),
      );
      try {
        const started = Date.now();
        await Promise.all(all.map((r) => registry.register(r)));
        const registeredMs = Date.now() - started;
        await waitFor(() => cache.instances().length === 50, { timeoutMs: 5000, intervalMs: 10 });
        say(
          `50 concurrent registrations took ${registeredMs} ms; the watching cache had all 50 after ${Date.now() - started} ms`,
        );
        expect(await listed()).toEqual(all.map((r) => r.id));
        expect(ids(cache.instances())).toEqual(all.map((r) => r.id));
      } finally {
        cache.close();
        await Promise.all(all.map((r) => registry.deregister(r.id)));
      }
    });

    // A backend without a process of its own (memory) has no death to survive and no server to
    // restart: those tests are not defined for it rather than skipped.
    const { liveness, controlled } = backend;
    if (liveness) {
      it(`an instance whose process is SIGKILLed disappears within its ${liveness.what}`, async () => {
        const r = registration('doomed');
        const cache = new WatchedInstanceCache(registry, service);
        cache.start();
        const child = await startRegisteredProcess(liveness.process(r));
        try {
          await waitFor(() => ids(cache.instances()).includes(r.id), { timeoutMs: 5000, intervalMs: 10 });
          const bound = liveness.boundMs(child.info);
          const killedAt = Date.now();
          child.kill();
          await waitFor(() => !ids(cache.instances()).includes(r.id), { timeoutMs: bound, intervalMs: 10 });
          const goneMs = Date.now() - killedAt;
          say(`SIGKILLed instance gone after ${goneMs} ms (${liveness.what}, bound ${bound} ms)`);
          expect(await listed()).toEqual([]);
        } finally {
          child.kill();
          cache.close();
        }
      });
    }

    if (controlled) {
      const ownServer = {
        name: 'a server of its own',
        available: !controlled.unavailable,
        reason: controlled.unavailable,
      };
      describeWithRequirement(ownServer, 'against a registry the test controls', () => {
        let server: ControlledServer;
        const clients: ServiceRegistry[] = [];
        const client = (): ServiceRegistry => {
          const c = server.connect();
          clients.push(c);
          return c;
        };

        beforeEach(async () => {
          server = await controlled.start();
        });
        afterEach(async () => {
          await Promise.all(clients.splice(0).map((c) => c.close()));
          await server.close();
        });

        it('an instance registers again by itself after the registry restarted empty', async () => {
          const own = client();
          const observer = client();
          const r = registration('keeper');
          const keeper = new RegistrationKeeper(own, r, { checkIntervalMs: 200, maxRetryDelayMs: 500 });
          try {
            await keeper.start();
            expect(keeper.state).toBe('registered');
            await waitFor(async () => ids(await observer.healthyInstances(service)).includes(r.id), {
              timeoutMs: 3000,
              intervalMs: 10,
            });

            await server.restart();
            const restartedAt = Date.now();
            const listedAgain = async (): Promise<boolean> =>
              ids(await observer.healthyInstances(service).catch(() => [])).includes(r.id);
            await waitFor(async () => keeper.state === 'registered' && (await listedAgain()), {
              timeoutMs: 15_000,
              intervalMs: 10,
            });
            say(`registered again ${Date.now() - restartedAt} ms after the registry restarted empty`);
          } finally {
            await keeper.stop();
          }
        });

        it('the cache serves the last instances while the registry is down, and resyncs when it is back', async () => {
          const own = client();
          const cache = new WatchedInstanceCache(own, service);
          try {
            await own.register(registration('a'));
            await cache.ready(3000);
            await waitFor(() => ids(cache.instances()).join() === `${service}-a`, { timeoutMs: 3000, intervalMs: 10 });

            await server.crash();
            const crashedAt = Date.now();
            await waitFor(() => cache.stale, { timeoutMs: 10_000, intervalMs: 10 });
            say(`the cache noticed the registry was down after ${Date.now() - crashedAt} ms`);
            expect(ids(cache.instances())).toEqual([`${service}-a`]);
            expect(cache.snapshot()).toMatchObject({ stale: true, instances: 1 });

            await server.restart();
            const restartedAt = Date.now();
            // The registry may take a moment to accept writes after it answers.
            await waitFor(() => own.register(registration('b')).then(() => true), {
              timeoutMs: 10_000,
              intervalMs: 100,
              description: 'the restarted registry to accept a registration',
            });
            await waitFor(() => !cache.stale && ids(cache.instances()).includes(`${service}-b`), {
              timeoutMs: 15_000,
              intervalMs: 10,
            });
            say(`the cache was current again ${Date.now() - restartedAt} ms after the registry came back`);
          } finally {
            cache.close();
          }
        });
      });
    }
  });
}
