import { InvalidCheckOptionError } from '../errors/invalid-check-option-error';
import { dependencyCheck } from './dependency-check';

const signal = new AbortController().signal;

describe('dependencyCheck', () => {
  it('is a non-critical check named after the dependency that passes while instances exist', async () => {
    let instances: unknown[] = [{ id: 'product-1' }, { id: 'product-2' }];
    const check = dependencyCheck('product-service', () => instances);
    expect(check).toMatchObject({ name: 'product-service', critical: false });
    await expect(check.run(signal)).resolves.toEqual({ instances: 2 });

    instances = [];
    await expect(check.run(signal)).rejects.toThrow('no healthy instance of product-service');
  });

  it('reads the list afresh on every run', async () => {
    const instances = jest.fn((): readonly unknown[] => [{}]);
    const check = dependencyCheck('inventory-service', instances);
    await check.run(signal);
    await check.run(signal);
    expect(instances).toHaveBeenCalledTimes(2);
  });

  it('can be critical and demand more than one instance', async () => {
    const check = dependencyCheck('auth-service', () => [{}], { critical: true, minInstances: 2 });
    expect(check.critical).toBe(true);
    await expect(check.run(signal)).rejects.toThrow('1 healthy instances of auth-service, fewer than 2');
  });

  it('refuses a minimum below one', () => {
    expect(() => dependencyCheck('auth-service', () => [], { minInstances: 0 })).toThrow(InvalidCheckOptionError);
  });
});
