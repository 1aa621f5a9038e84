import { faultAction, faultEntry, settingAction } from './action-inputs';

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

describe('faultEntry', () => {
  const form = (fields: Record<string, string>) => faultAction.parse({ service: 'inventory-service', ...fields });

  it('writes each kind under its own key, with Istio’s default of 100 percent and 503', () => {
    expect(faultEntry({ ...form({ kind: 'abort', percent: '' }), kind: 'abort' })).toEqual({
      key: 'fault/abort',
      value: { percentage: 100, httpStatus: 503 },
    });
    expect(faultEntry({ ...form({ kind: 'delay', percent: '50', ms: '800' }), kind: 'delay' })).toEqual({
      key: 'fault/delay',
      value: { percentage: 50, fixedDelayMs: 800 },
    });
  });

  it('refuses what the services would, naming the form field', () => {
    const fields = (entry: ReturnType<typeof faultEntry>) =>
      'issues' in entry ? entry.issues.map((i) => i.field) : [];
    expect(fields(faultEntry({ ...form({ kind: 'abort', percent: '150' }), kind: 'abort' }))).toEqual(['body.percent']);
    expect(fields(faultEntry({ ...form({ kind: 'abort', status: '200' }), kind: 'abort' }))).toEqual(['body.status']);
    expect(fields(faultEntry({ ...form({ kind: 'delay', ms: 'soon' }), kind: 'delay' }))).toEqual(['body.ms']);
    expect(fields(faultEntry({ ...form({ kind: 'delay' }), kind: 'delay' }))).toEqual(['body.ms']);
  });
});
