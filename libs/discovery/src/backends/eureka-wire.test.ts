import { fullCopy, mergeDelta } from './eureka-copy';
import { readApplications, reconcileHashCode, registrationBody, TAGS_METADATA_KEY } from './eureka-wire';

const instance = (
  id: string,
  status: string,
  actionType = 'ADDED',
  port: unknown = { $: 3000, '@enabled': 'true' },
) => ({
  instanceId: id,
  app: 'PRODUCT-SERVICE',
  hostName: 'host',
  ipAddr: '10.0.0.1',
  status,
  port,
  metadata: { '@class': 'java.util.Collections$EmptyMap' },
  actionType,
});

const apps = (hashCode: string, instances: unknown) => ({
  applications: {
    versions__delta: '1',
    apps__hashcode: hashCode,
    // Eureka writes a list of one as the element itself.
    application: { name: 'PRODUCT-SERVICE', instance: instances },
  },
});

describe('Eureka wire format', () => {
  it('registers as Eureka JSON: upper-cased app, VIP = service name, tags in metadata, lease in seconds', () => {
    const body = registrationBody(
      { id: 'p-1', name: 'product-service', address: '10.0.0.7', port: 3002, tags: ['v1'], meta: { zone: 'a' } },
      { renewalIntervalSecs: 1, durationSecs: 3 },
      42,
    ) as { instance: Record<string, unknown> };
    expect(body.instance).toMatchObject({
      instanceId: 'p-1',
      app: 'PRODUCT-SERVICE',
      ipAddr: '10.0.0.7',
      vipAddress: 'product-service',
      status: 'UP',
      port: { $: 3002, '@enabled': 'true' },
      leaseInfo: { renewalIntervalInSecs: 1, durationInSecs: 3 },
      metadata: { zone: 'a', [TAGS_METADATA_KEY]: '["v1"]' },
      lastDirtyTimestamp: '42',
    });
    const down = registrationBody(
      { id: 'p-1', name: 'x', address: 'h', port: 1, status: 'warning' },
      { renewalIntervalSecs: 1, durationSecs: 3 },
      1,
    ) as { instance: Record<string, unknown> };
    expect(down.instance.status).toBe('DOWN');
    expect(() =>
      registrationBody(
        { id: 'p', name: 'x', address: 'h', port: 1, meta: { [TAGS_METADATA_KEY]: 'x' } },
        { renewalIntervalSecs: 1, durationSecs: 3 },
        1,
      ),
    ).toThrow(TypeError);
  });

  it('reads single elements and lists alike, tags back out of metadata, and skips what is not an instance', () => {
    const read = readApplications(
      apps('UP_1_', [
        { ...instance('p-1', 'UP'), metadata: { zone: 'a', [TAGS_METADATA_KEY]: '["v1","eu"]' } },
        { instanceId: 'broken' },
      ]),
    );
    expect(read.hashCode).toBe('UP_1_');
    expect(read.records).toEqual([
      {
        app: 'PRODUCT-SERVICE',
        status: 'UP',
        actionType: 'ADDED',
        instance: {
          id: 'p-1',
          name: 'product-service',
          address: '10.0.0.1',
          port: 3000,
          tags: ['v1', 'eu'],
          meta: { zone: 'a' },
        },
      },
    ]);
    expect(readApplications(apps('UP_1_', instance('p-2', 'UP'))).records.map((r) => r.instance.id)).toEqual(['p-2']);
    expect(() => readApplications({ nothing: true })).toThrow(TypeError);
  });

  it('hash codes count statuses in status order, as Eureka writes them', () => {
    expect(reconcileHashCode(['UP', 'DOWN', 'UP', 'OUT_OF_SERVICE'])).toBe('DOWN_1_OUT_OF_SERVICE_1_UP_2_');
    expect(reconcileHashCode([])).toBe('');
  });

  it('merges a delta (added, modified, deleted) and checks the result against the server hash code', () => {
    const copy = fullCopy(readApplications(apps('UP_2_', [instance('a', 'UP'), instance('b', 'UP')])));
    const delta = readApplications(
      apps('OUT_OF_SERVICE_1_UP_1_', [
        instance('a', 'OUT_OF_SERVICE', 'MODIFIED'),
        instance('b', 'UP', 'DELETED'),
        instance('c', 'UP', 'ADDED'),
      ]),
    );
    const merged = mergeDelta(copy, delta);
    expect(merged.consistent).toBe(true);
    expect([...merged.copy.values()].map((r) => `${r.instance.id}:${r.status}`)).toEqual(['a:OUT_OF_SERVICE', 'c:UP']);
    // The original copy is left as it was.
    expect(copy.size).toBe(2);

    // A delta that missed a change (it fell out of the server's retention window) disagrees.
    const wrong = mergeDelta(copy, readApplications(apps('UP_4_', [instance('c', 'UP')])));
    expect(wrong.consistent).toBe(false);
  });
});
