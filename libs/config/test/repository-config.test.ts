import { readdirSync } from 'node:fs';
import { defaultConfigDir, flagDefinitionSchema } from '../src';
import { readFileLayer } from '../src/layers/file-layer';

// The config/ folder the services and `npm run config -- seed` read: it must parse for every
// environment, and every flag in it must be a valid definition (the services would reject it).
const configDir = defaultConfigDir();
const services = readdirSync(configDir, { withFileTypes: true })
  .filter((entry) => entry.isDirectory() && entry.name !== 'shared')
  .map((entry) => entry.name);

describe('the repository config/ folder', () => {
  it('has a folder for every service', () => {
    expect(services.sort()).toEqual([
      'auth-service',
      'dashboard',
      'gateway',
      'inventory-service',
      'order-service',
      'product-service',
    ]);
  });

  it.each(
    services.flatMap((service) => ['development', 'production', 'test'].map((environment) => [service, environment])),
  )('%s reads cleanly for %s, with valid flags', async (service, environment) => {
    const layer = await readFileLayer({ configDir, service, environment });
    expect(layer.issues).toEqual([]);
    expect(layer.tree.logLevel).toMatch(/^(debug|info|warn|error)$/);
    for (const [name, flag] of Object.entries((layer.tree.flags ?? {}) as Record<string, unknown>)) {
      expect([name, flagDefinitionSchema.safeParse(flag).success]).toEqual([name, true]);
    }
  });

  // The shared files set the log level per environment; a service file that set it again would hide
  // shared/production.yaml's `warn` (files are layered shared first, then the service's own).
  it.each(services)('%s logs at info by default and at warn in production', async (service) => {
    const development = await readFileLayer({ configDir, service, environment: 'development' });
    const production = await readFileLayer({ configDir, service, environment: 'production' });
    expect([development.tree.logLevel, production.tree.logLevel]).toEqual(['info', 'warn']);
  });

  it('ships the bulk-discount flag for order-service, off', async () => {
    const layer = await readFileLayer({ configDir, service: 'order-service', environment: 'development' });
    expect(layer.tree.flags).toEqual({ 'bulk-discount': { enabled: false } });
  });
});
