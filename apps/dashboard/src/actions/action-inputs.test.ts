import { settingAction, storedValue } from './action-inputs';

describe('settingAction', () => {
  it('takes dotted or slashed keys and names the field it refuses', () => {
    expect(
      settingAction.parse({ service: 'order-service', key: 'resilience.inventory-service.timeoutMs', value: '800' })
        .key,
    ).toBe('resilience/inventory-service/timeoutMs');
    const bad = settingAction.safeParse({ service: 'Order Service', key: '../x', value: '' });
    expect(bad.success).toBe(false);
    expect(bad.error!.issues.map((i) => i.path.join('.'))).toEqual(['service', 'key', 'value']);
  });
});

describe('storedValue', () => {
  it('stores text as given and JSON compact', () => {
    expect(storedValue('logLevel', ' debug ')).toEqual({ text: 'debug' });
    expect(storedValue('flags/x', '{ "enabled": true }')).toEqual({ text: '{"enabled":true}' });
  });

  it('refuses JSON that does not parse and flags that are not definitions', () => {
    expect(storedValue('x', '{"a":')).toEqual({ issue: expect.stringMatching(/does not parse/) });
    expect(storedValue('flags/x', 'on')).toEqual({ issue: expect.stringMatching(/a flag must be a definition/) });
    expect(storedValue('flags/x', '{"enabled":true,"rolloutPercent":150}')).toEqual({
      issue: expect.stringMatching(/rolloutPercent/),
    });
  });
});
