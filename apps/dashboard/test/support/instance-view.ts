import type { InstanceView } from '../../src/view/system-view';

/** A healthy order-service instance with one flag and nothing injected; `patch` changes what a test is about. */
export function instanceView(id: string, patch: Partial<InstanceView> = {}): InstanceView {
  return {
    service: 'order-service',
    id,
    address: '127.0.0.1',
    port: 3004,
    version: 'v1',
    registry: { status: 'passing' },
    probe: { reachable: true, status: 'pass', failingChecks: [] },
    dependencies: [],
    config: {
      status: { version: 1, rejections: 0 },
      flags: [{ path: 'bulk-discount', value: { enabled: false }, source: 'kv' }],
    },
    ...patch,
  };
}
