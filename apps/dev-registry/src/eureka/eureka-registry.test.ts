import { EUREKA_DEFAULTS } from './eureka-options';
import { EurekaRegistry, type EurekaRegistryOptions } from './eureka-registry';
import type { EurekaInstanceInput } from './eureka-types';

function input(app: string, instanceId: string, overrides: Partial<EurekaInstanceInput> = {}): EurekaInstanceInput {
  return {
    instanceId,
    app,
    hostName: instanceId,
    ipAddr: '127.0.0.1',
    status: 'UP',
    overriddenStatus: 'UNKNOWN',
    port: { port: 8080, enabled: true },
    securePort: { port: 8443, enabled: false },
    countryId: 1,
    dataCenterInfo: { className: 'com.netflix.appinfo.InstanceInfo$DefaultDataCenterInfo', name: 'MyOwn' },
    leaseInfo: { renewalIntervalInSecs: 30, durationInSecs: 90 },
    metadata: {},
    homePageUrl: '',
    statusPageUrl: '',
    healthCheckUrl: '',
    secureHealthCheckUrl: '',
    vipAddress: app.toLowerCase(),
    secureVipAddress: '',
    lastDirtyTimestamp: 0,
    ...overrides,
  };
}

/** A registry on a clock the test moves; eviction picks the first candidate. */
function setup(options: Partial<EurekaRegistryOptions> = {}) {
  const clock = { now: 1_000_000 };
  const registry = new EurekaRegistry({ ...EUREKA_DEFAULTS, now: () => clock.now, random: () => 0, ...options });
  const advance = (ms: number) => {
    clock.now += ms;
  };
  /** Every registered instance renews once, `times` times, 30 s apart. */
  const renewAll = (times: number, ids: Array<[string, string]>) => {
    for (let i = 0; i < times; i += 1) {
      advance(30_000);
      for (const [app, id] of ids) expect(registry.renew(app, id)).toBe('ok');
    }
  };
  return { registry, clock, advance, renewAll };
}

const ids = (registry: EurekaRegistry) =>
  registry.applications().applications.flatMap((a) => a.instances.map((i) => `${a.name}/${i.instanceId}`));

describe('EurekaRegistry', () => {
  describe('leases', () => {
    it('keeps an instance that renews, and evicts it once it stops for longer than its lease', () => {
      const { registry, advance, renewAll } = setup({ selfPreservation: false });
      registry.register(input('ORDERS', 'o-1'));
      renewAll(5, [['ORDERS', 'o-1']]);
      expect(registry.evict().evicted).toEqual([]);
      advance(90_000);
      expect(registry.evict().evicted).toEqual([]); // exactly at the lease's end: still held
      advance(1);
      expect(registry.evict().evicted.map((i) => i.instanceId)).toEqual(['o-1']);
      expect(registry.size).toBe(0);
      expect(registry.renew('ORDERS', 'o-1')).toBe('unknown');
    });

    it('honours leaseInfo.durationInSecs', () => {
      const { registry, advance } = setup({ selfPreservation: false });
      registry.register(input('ORDERS', 'short', { leaseInfo: { renewalIntervalInSecs: 1, durationInSecs: 5 } }));
      registry.register(input('ORDERS', 'long'));
      advance(5_001);
      expect(registry.evict().evicted.map((i) => i.instanceId)).toEqual(['short']);
      expect(ids(registry)).toEqual(['ORDERS/long']);
    });

    it('answers unknown to a renewal of an unknown instance, or one whose client changed since it registered', () => {
      const { registry } = setup();
      expect(registry.renew('ORDERS', 'ghost')).toBe('unknown');
      registry.register(input('ORDERS', 'o-1', { lastDirtyTimestamp: 500 }));
      expect(registry.renew('orders', 'o-1', 500)).toBe('ok');
      expect(registry.renew('ORDERS', 'o-1', 501)).toBe('unknown');
    });

    it('cancel removes at once; a second cancel finds nothing', () => {
      const { registry } = setup();
      registry.register(input('ORDERS', 'o-1'));
      expect(registry.cancel('orders', 'o-1')).toBe(true);
      expect(registry.cancel('ORDERS', 'o-1')).toBe(false);
      expect(registry.application('ORDERS')).toBeUndefined();
    });
  });

  describe('self-preservation', () => {
    const five: Array<[string, string]> = [1, 2, 3, 4, 5].map((n) => ['ORDERS', `o-${n}`]);

    it('sets the threshold from expected renewals per minute x 0.85', () => {
      const { registry } = setup();
      for (const [app, id] of five) registry.register(input(app, id));
      // 5 clients x 2 renewals a minute x 0.85 = 8.5 -> 8
      expect(registry.renewalState()).toMatchObject({ expectedClients: 5, threshold: 8 });
      registry.cancel('ORDERS', 'o-5');
      expect(registry.renewalState()).toMatchObject({ expectedClients: 4, threshold: 6 });
    });

    it('stops evicting when renewals fall below the threshold, and evicts again when they recover', () => {
      const { registry, advance, renewAll } = setup();
      for (const [app, id] of five) registry.register(input(app, id));
      renewAll(2, five); // 10 renewals in the last minute > 8
      expect(registry.renewalState().expirationEnabled).toBe(true);

      // A partition: nobody renews for longer than the lease.
      advance(120_000);
      const held = registry.evict();
      expect(held).toEqual({ evicted: [], kept: 5, selfPreservation: true });
      expect(registry.size).toBe(5);

      // Two come back (4 renewals a minute, not above 8): still preserving.
      renewAll(2, five.slice(0, 2));
      expect(registry.evict().selfPreservation).toBe(true);

      // All five come back: renewals above the threshold again, and no lease is expired.
      renewAll(2, five);
      expect(registry.evict()).toEqual({ evicted: [], kept: 0, selfPreservation: false });
    });

    it('with renewals above the threshold evicts at most the share above 85% per run', () => {
      const { registry, advance, renewAll } = setup();
      const twenty: Array<[string, string]> = Array.from({ length: 20 }, (_, n) => ['ORDERS', `o-${n}`]);
      for (const [app, id] of twenty) registry.register(input(app, id));
      // 20 clients: threshold 34. The first 18 keep renewing (36 a minute); the last 2 stop.
      renewAll(2, twenty);
      renewAll(4, twenty.slice(0, 18));
      advance(1);
      // 2 expired; the cap is 20 - floor(20 x 0.85) = 3, so both go.
      expect(
        registry
          .evict()
          .evicted.map((i) => i.instanceId)
          .sort(),
      ).toEqual(['o-18', 'o-19']);
    });

    it('caps one run at size - floor(size x 0.85) when many leases expire together', () => {
      const { registry, advance } = setup({ selfPreservation: false });
      for (let n = 0; n < 10; n += 1) registry.register(input('ORDERS', `o-${n}`));
      advance(90_001);
      const first = registry.evict();
      expect(first.evicted).toHaveLength(2); // 10 - floor(8.5)
      expect(first.kept).toBe(8);
      expect(registry.evict().evicted).toHaveLength(2); // 8 - floor(6.8)
    });

    it('never evicts with self-preservation on and no renewals expected (threshold 0)', () => {
      const { registry, advance } = setup();
      registry.register(input('ORDERS', 'o-1'));
      registry.recountExpectedClients();
      advance(200_000);
      // 1 client x 2 x 0.85 = 1; 0 renewals is not above it.
      expect(registry.evict()).toEqual({ evicted: [], kept: 1, selfPreservation: true });
    });

    it('recounts expected clients from the registry, but not downwards past the percentage while preserving', () => {
      const { registry, advance } = setup({ selfPreservation: false });
      for (let n = 0; n < 10; n += 1) registry.register(input('ORDERS', `o-${n}`));
      advance(90_001);
      registry.evict();
      registry.evict();
      expect(registry.size).toBe(6);
      registry.recountExpectedClients();
      expect(registry.renewalState().expectedClients).toBe(6);

      const preserving = setup();
      for (let n = 0; n < 10; n += 1) preserving.registry.register(input('ORDERS', `o-${n}`));
      for (let n = 0; n < 5; n += 1) preserving.registry.cancel('ORDERS', `o-${n}`);
      // Cancels lower the expectation directly; a recount at 5 of 5 changes nothing.
      preserving.registry.recountExpectedClients();
      expect(preserving.registry.renewalState().expectedClients).toBe(5);
    });
  });

  describe('status overrides', () => {
    it('an override wins over what the client reports, survives re-registration, and renews the lease', () => {
      const { registry, advance } = setup();
      registry.register(input('ORDERS', 'o-1'));
      advance(10_000);
      const out = registry.setStatusOverride('ORDERS', 'o-1', 'OUT_OF_SERVICE')!;
      expect(out).toMatchObject({
        effectiveStatus: 'OUT_OF_SERVICE',
        overriddenStatus: 'OUT_OF_SERVICE',
        status: 'UP',
      });
      expect(out.lease.lastRenewalTimestamp).toBe(1_010_000);
      const again = registry.register(input('ORDERS', 'o-1'));
      expect(again).toMatchObject({ effectiveStatus: 'OUT_OF_SERVICE', overriddenStatus: 'OUT_OF_SERVICE' });
    });

    it('removing the override falls back to ?value=, or to UNKNOWN, which makes the next heartbeat re-register', () => {
      const { registry } = setup();
      registry.register(input('ORDERS', 'o-1'));
      registry.register(input('ORDERS', 'o-2'));
      registry.setStatusOverride('ORDERS', 'o-1', 'OUT_OF_SERVICE');
      registry.setStatusOverride('ORDERS', 'o-2', 'OUT_OF_SERVICE');
      expect(registry.deleteStatusOverride('ORDERS', 'o-1', 'UP')).toMatchObject({
        effectiveStatus: 'UP',
        overriddenStatus: 'UNKNOWN',
      });
      expect(registry.renew('ORDERS', 'o-1')).toBe('ok');
      expect(registry.deleteStatusOverride('ORDERS', 'o-2')).toMatchObject({ effectiveStatus: 'UNKNOWN' });
      expect(registry.renew('ORDERS', 'o-2')).toBe('unknown');
      expect(registry.register(input('ORDERS', 'o-2')).effectiveStatus).toBe('UP');
    });

    it('takes an override the registration carries (overriddenStatus) unless one is already held', () => {
      const { registry } = setup();
      expect(registry.register(input('ORDERS', 'o-1', { overriddenStatus: 'DOWN' })).effectiveStatus).toBe('DOWN');
    });
  });

  describe('delta and hash code', () => {
    it('hash code counts instances per status, statuses sorted: DOWN_1_UP_2_', () => {
      const { registry } = setup();
      expect(registry.applications().hashCode).toBe('');
      registry.register(input('ORDERS', 'o-1'));
      registry.register(input('ORDERS', 'o-2'));
      registry.register(input('PRODUCTS', 'p-1', { status: 'DOWN' }));
      expect(registry.applications().hashCode).toBe('DOWN_1_UP_2_');
      registry.setStatusOverride('ORDERS', 'o-2', 'OUT_OF_SERVICE');
      expect(registry.applications().hashCode).toBe('DOWN_1_OUT_OF_SERVICE_1_UP_1_');
    });

    it('lists each changed instance once with its last action, deletions included, for the retention window', () => {
      const { registry, advance } = setup();
      registry.register(input('ORDERS', 'o-1'));
      advance(170_000);
      registry.register(input('ORDERS', 'o-2'));
      registry.register(input('PRODUCTS', 'p-1'));
      registry.setStatusOverride('PRODUCTS', 'p-1', 'DOWN');
      registry.cancel('ORDERS', 'o-2');
      const actions = (apps: ReturnType<EurekaRegistry['delta']>) =>
        apps.applications.flatMap((a) =>
          a.instances.map((i) => `${i.instanceId}:${i.actionType}:${i.effectiveStatus}`),
        );
      expect(actions(registry.delta())).toEqual(['o-1:ADDED:UP', 'o-2:DELETED:UP', 'p-1:MODIFIED:DOWN']);
      // The delta's hash is the whole registry's, so a client can check its reconciled copy.
      expect(registry.delta().hashCode).toBe('DOWN_1_UP_1_');
      advance(10_001); // o-1's registration is now older than 3 minutes
      expect(actions(registry.delta())).toEqual(['o-2:DELETED:UP', 'p-1:MODIFIED:DOWN']);
      advance(180_000);
      expect(registry.delta().applications).toEqual([]);
    });

    it('does not put renewals in the delta, and moves the version with every change', () => {
      const { registry } = setup();
      registry.register(input('ORDERS', 'o-1'));
      const version = registry.applications().version;
      registry.renew('ORDERS', 'o-1');
      expect(registry.applications().version).toBe(version);
      registry.setStatusOverride('ORDERS', 'o-1', 'DOWN');
      expect(registry.applications().version).toBe(version + 1);
    });

    it('keeps a registration older than the one it holds (dirty timestamps)', () => {
      const { registry } = setup();
      registry.register(input('ORDERS', 'o-1', { lastDirtyTimestamp: 2_000, ipAddr: '10.0.0.2' }));
      registry.register(input('ORDERS', 'o-1', { lastDirtyTimestamp: 1_000, ipAddr: '10.0.0.1' }));
      expect(registry.instance('ORDERS', 'o-1')!.ipAddr).toBe('10.0.0.2');
    });
  });

  it('finds instances by ID and by VIP address', () => {
    const { registry } = setup();
    registry.register(input('ORDERS', 'o-1', { vipAddress: 'orders,orders-v1' }));
    registry.register(input('PRODUCTS', 'p-1', { vipAddress: '', secureVipAddress: 'products' }));
    expect(registry.instanceById('p-1')!.app).toBe('PRODUCTS');
    expect(registry.byVip('orders-v1', false).map((i) => i.instanceId)).toEqual(['o-1']);
    expect(registry.byVip('products', true).map((i) => i.instanceId)).toEqual(['p-1']);
    expect(registry.byVip('products', false)).toEqual([]);
  });
});
