import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createConfigStore } from '@lab/config';
import { startDevRegistry, type DevRegistry } from '@lab/dev-registry';
import { ConsulRegistry } from '@lab/discovery';
import { waitFor } from '@lab/testing';
import { fastRetry } from './support/kv-backends';
import { reloadSchema } from './support/live-reload-suite';

// The KV store goes away and comes back empty on the same address (a dev agent restarted): the
// store keeps its configuration meanwhile, says it is disconnected, and follows the new server. The
// new server's X-Consul-Index starts far below the one the watch held; a watch that kept blocking
// on the old index would wait out its whole timeout before seeing anything.
describe('a Consul KV outage', () => {
  let registry: DevRegistry;
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'config-outage-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('keeps the configuration in force, reports the outage, and follows the restarted server', async () => {
    registry = await startDevRegistry({ port: 0 });
    const port = registry.port;
    const writer = new ConsulRegistry({ url: registry.url });
    const reader = new ConsulRegistry({ url: registry.url, watchBackoff: fastRetry, requestTimeoutMs: 1_000 });
    const store = await createConfigStore({
      service: 'outage',
      schema: reloadSchema,
      configDir: dir,
      kv: reader.kv,
      env: {},
    });
    try {
      // Move the index well past what a fresh server will start from.
      for (let i = 1; i <= 30; i++) await writer.kv.put(`config/other/n`, String(i));
      await writer.kv.put('config/outage/counter', '7');
      await waitFor(() => store.current().counter === 7);

      await registry.close();
      await waitFor(() => store.status().kv?.connected === false, {
        timeoutMs: 5_000,
        description: 'the store to notice',
      });
      expect(store.current().counter).toBe(7);

      registry = await startDevRegistry({ port, dnsPort: false });
      await waitFor(() => store.status().kv?.connected === true, {
        timeoutMs: 5_000,
        description: 'the store to reconnect',
      });
      // The new server is empty: the KV layer is gone, so the files and defaults are in force again.
      await waitFor(() => store.current().counter === 0, {
        timeoutMs: 5_000,
        description: 'the empty KV layer to apply',
      });

      await writer.kv.put('config/outage/counter', '9');
      await waitFor(() => store.current().counter === 9, {
        timeoutMs: 5_000,
        description: 'a write to the new server',
      });
    } finally {
      await store.close();
      await reader.close();
      await writer.close();
      await registry.close();
    }
  });
});
