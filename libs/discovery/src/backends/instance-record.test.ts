import { assertPathSafe, decodeInstanceRecord, encodeInstanceRecord, passingInstances } from './instance-record';

describe('instance records', () => {
  const registration = {
    id: 'p-1',
    name: 'product-service',
    address: '10.0.0.7',
    port: 3002,
    tags: ['v2'],
    meta: { zone: 'a' },
  };

  it('round-trips a registration, passing unless it says otherwise', () => {
    expect(decodeInstanceRecord(encodeInstanceRecord(registration))).toEqual({
      instance: {
        id: 'p-1',
        name: 'product-service',
        address: '10.0.0.7',
        port: 3002,
        tags: ['v2'],
        meta: { zone: 'a' },
      },
      status: 'passing',
    });
    expect(decodeInstanceRecord(encodeInstanceRecord({ ...registration, status: 'critical' }))?.status).toBe(
      'critical',
    );
  });

  it('ignores a record whose address is not only a host (user@host, a port or a path)', () => {
    for (const address of ['mallory@evil.example', 'evil.example/login', 'evil.example:80'])
      expect(decodeInstanceRecord(encodeInstanceRecord({ ...registration, address }))).toBeUndefined();
  });

  it('keeps the check out of the record: liveness is the lease or the session', () => {
    const stored = JSON.parse(encodeInstanceRecord({ ...registration, check: { http: 'http://x/health' } }));
    expect(Object.keys(stored).sort()).toEqual(['address', 'id', 'meta', 'name', 'port', 'status', 'tags']);
  });

  it.each([
    ['not JSON', '{'],
    ['not an object', '"p-1"'],
    ['no port', JSON.stringify({ id: 'a', name: 'b', address: 'c' })],
    ['a fractional port', JSON.stringify({ id: 'a', name: 'b', address: 'c', port: 1.5 })],
    ['an unknown status', JSON.stringify({ id: 'a', name: 'b', address: 'c', port: 1, status: 'up' })],
  ])('reads %s as no record', (_what, text) => {
    expect(decodeInstanceRecord(text)).toBeUndefined();
  });

  it('drops tags and meta values that are not strings', () => {
    const text = JSON.stringify({ id: 'a', name: 'b', address: 'c', port: 1, tags: ['x', 2], meta: { k: 'v', n: 3 } });
    expect(decodeInstanceRecord(text)?.instance).toMatchObject({ tags: ['x'], meta: { k: 'v' } });
  });

  it('refuses ids and names that are not a single path segment', () => {
    expect(() => assertPathSafe({ id: 'a/b', name: 's' })).toThrow(/id must be/);
    expect(() => assertPathSafe({ id: 'a', name: '' })).toThrow(/name must be/);
    expect(() => assertPathSafe({ id: '..', name: 's' })).toThrow(/id must be/);
    expect(() => assertPathSafe({ id: 'a', name: 's' })).not.toThrow();
  });
});

describe('passingInstances', () => {
  const record = (id: string, status: 'passing' | 'critical', tags: string[] = []) => ({
    instance: { id, name: 's', address: '127.0.0.1', port: 1, tags, meta: {} },
    status,
  });

  it('keeps passing instances that match the filter, sorted by id', () => {
    const records = [
      record('c', 'passing', ['v1']),
      record('a', 'passing', ['v1']),
      record('b', 'critical', ['v1']),
      record('d', 'passing'),
    ];
    expect(passingInstances(records, { tags: ['v1'] }).map((i) => i.id)).toEqual(['a', 'c']);
    expect(passingInstances(records, undefined).map((i) => i.id)).toEqual(['a', 'c', 'd']);
  });
});
