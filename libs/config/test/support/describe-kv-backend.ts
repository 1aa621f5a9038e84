import type { KvBackendName, KvServer } from './kv-servers';
import { kvServerAvailability, startKvServer } from './kv-servers';

/**
 * A describe block that runs against a real server of `backend`, started once for the block. When
 * none can be had it is skipped with the reason printed, or, with REQUIRE_INFRA=1, it fails.
 */
export function describeKvBackend(backend: KvBackendName, name: string, fn: (server: () => KvServer) => void): void {
  const availability = kvServerAvailability(backend);
  if (!availability.available) {
    if (process.env.REQUIRE_INFRA === '1') {
      describe(`${name} [${backend}]`, () => {
        it('has its server', () => {
          throw new Error(`REQUIRE_INFRA=1 and no ${backend} server: ${availability.reason}`);
        });
      });
      return;
    }
    process.stdout.write(`skipping "${name}" [${backend}]: ${availability.reason}\n`);
    describe.skip(`${name} [${backend}]`, () => fn(() => undefined as never));
    return;
  }
  describe(`${name} [${backend}]`, () => {
    let server: KvServer | undefined;
    beforeAll(async () => {
      server = await startKvServer(backend);
    }, 40_000);
    afterAll(async () => {
      await server?.close();
    });
    fn(() => {
      if (!server) throw new Error(`${backend} server did not start`);
      return server;
    });
  });
}
