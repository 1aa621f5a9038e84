import { CatalogStore, SERF_CHECK_ID } from './catalog-store';
import { ChangeFeed } from './change-feed';
import type { CheckInput, ServiceInput } from './types';

const service = (id: string, name = 'web', extra: Partial<ServiceInput> = {}): ServiceInput => ({
  id,
  name,
  address: '127.0.0.1',
  port: 8080,
  tags: [],
  meta: {},
  enableTagOverride: false,
  weights: { Passing: 1, Warning: 1 },
  ...extra,
});

const ttlCheck = (serviceId: string, extra: Partial<CheckInput> = {}): CheckInput => ({
  checkId: `service:${serviceId}`,
  name: 'ttl',
  notes: '',
  serviceId,
  definition: { kind: 'ttl', ttlMs: 10_000 },
  ...extra,
});

describe('CatalogStore', () => {
  let feed: ChangeFeed;
  let store: CatalogStore;
  let clock: number;
  beforeEach(() => {
    feed = new ChangeFeed();
    clock = 1_000;
    store = new CatalogStore(feed, { now: () => clock });
  });

  it('starts with the node, its serfHealth check and the consul service', () => {
    expect(store.check(SERF_CHECK_ID)).toMatchObject({ status: 'passing', serviceId: '' });
    expect(store.service('consul')).toMatchObject({ agentManaged: false, port: 8300 });
    expect(store.serviceNameIndex('consul')).toBeGreaterThan(0);
    expect(store.deregisterService('consul')).toBeUndefined();
  });

  it('starts a check critical unless given a status, and links it to its service', () => {
    const { checks } = store.registerService(service('web-1'), [ttlCheck('web-1')], false);
    expect(checks[0]).toMatchObject({ status: 'critical', serviceName: 'web' });
    store.registerService(service('web-2'), [ttlCheck('web-2', { status: 'passing' })], false);
    expect(store.check('service:web-2')!.status).toBe('passing');
    expect(store.checksOfService('web-1').map((c) => c.checkId)).toEqual(['service:web-1']);
  });

  it('moves the service name index on a status change but not on an output-only change', () => {
    store.registerService(service('web-1'), [ttlCheck('web-1')], false);
    const registered = store.serviceNameIndex('web');
    expect(store.updateCheck('service:web-1', 'passing', 'ok')).toBe('changed');
    const passing = store.serviceNameIndex('web');
    expect(passing).toBeGreaterThan(registered);
    expect(store.updateCheck('service:web-1', 'passing', 'still ok')).toBe('output-only');
    expect(store.serviceNameIndex('web')).toBe(passing);
    expect(store.check('service:web-1')!.output).toBe('still ok');
    expect(store.updateCheck('service:web-1', 'passing', 'still ok')).toBe('unchanged');
    expect(store.updateCheck('nope', 'passing', '')).toBe('unknown');
  });

  it('does not move any index when the same registration is sent again', () => {
    store.registerService(service('web-1'), [ttlCheck('web-1')], false);
    const index = store.serviceNameIndex('web');
    store.registerService(service('web-1'), [ttlCheck('web-1')], false);
    expect(store.serviceNameIndex('web')).toBe(index);
    store.registerService(service('web-1', 'web', { tags: ['v2'] }), [ttlCheck('web-1')], false);
    expect(store.serviceNameIndex('web')).toBeGreaterThan(index);
  });

  it('keeps a re-registered check status, and replaces checks only when asked', () => {
    store.registerService(service('web-1'), [ttlCheck('web-1'), ttlCheck('web-1', { checkId: 'extra' })], false);
    store.updateCheck('service:web-1', 'passing', 'ok');
    store.registerService(service('web-1'), [ttlCheck('web-1')], false);
    expect(store.check('service:web-1')!.status).toBe('passing');
    expect(store.check('extra')).toBeDefined();
    const { removedCheckIds } = store.registerService(service('web-1'), [ttlCheck('web-1')], true);
    expect(removedCheckIds).toEqual(['extra']);
    expect(store.check('extra')).toBeUndefined();
  });

  it('keeps a name index after its last instance leaves, so a watcher sees the removal', () => {
    store.registerService(service('web-1'), [ttlCheck('web-1')], false);
    const before = store.serviceNameIndex('web');
    expect(store.deregisterService('web-1')?.removedCheckIds).toEqual(['service:web-1']);
    expect(store.instancesOf('web')).toEqual([]);
    expect(store.serviceNameIndex('web')).toBeGreaterThan(before);
    expect(store.check('service:web-1')).toBeUndefined();
  });

  it('lets a node check move every service name index', () => {
    store.registerService(service('web-1'), [], false);
    store.registerService(service('api-1', 'api'), [], false);
    const before = Math.max(store.serviceNameIndex('web'), store.serviceNameIndex('api'));
    store.registerCheck({
      checkId: 'disk',
      name: 'disk',
      notes: '',
      serviceId: '',
      definition: { kind: 'ttl', ttlMs: 1_000 },
    });
    expect(store.serviceNameIndex('web')).toBeGreaterThan(before);
    expect(store.serviceNameIndex('api')).toBeGreaterThan(before);
    expect(store.nodeChecks().map((c) => c.checkId)).toEqual([SERF_CHECK_ID, 'disk']);
  });

  it('records when the current status began', () => {
    store.registerService(service('web-1'), [ttlCheck('web-1')], false);
    expect(store.check('service:web-1')!.statusSince).toBe(1_000);
    clock = 5_000;
    store.updateCheck('service:web-1', 'passing', '');
    expect(store.check('service:web-1')!.statusSince).toBe(5_000);
  });

  it('publishes once per write', () => {
    const seen: number[] = [];
    feed.subscribe(() => seen.push(feed.lastIndex));
    store.registerService(service('web-1'), [ttlCheck('web-1')], false);
    store.updateCheck('service:web-1', 'passing', '');
    store.deregisterService('web-1');
    expect(seen).toHaveLength(3);
    expect([...seen].sort((a, b) => a - b)).toEqual(seen);
  });
});
