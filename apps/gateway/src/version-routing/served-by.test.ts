import type { ServiceInstance } from '@lab/discovery';
import { servedBy } from './served-by';

const instance = (meta: Record<string, string>): ServiceInstance => ({
  id: 'product-service-2',
  name: 'product-service',
  address: '127.0.0.1',
  port: 3012,
  tags: [],
  meta,
});

describe('servedBy', () => {
  it('names the instance and its version, or the instance alone without one', () => {
    expect(servedBy(instance({ version: 'v2', zone: 'a' }))).toBe('product-service-2; version=v2');
    expect(servedBy(instance({}))).toBe('product-service-2');
  });
});
