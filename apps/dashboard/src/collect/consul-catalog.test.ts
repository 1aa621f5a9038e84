import { registryHealthOf } from './consul-catalog';

describe('registryHealthOf', () => {
  it('is the worst check, with its name and output', () => {
    expect(registryHealthOf([])).toEqual({ status: 'passing' });
    expect(
      registryHealthOf([
        { Name: 'Serf Health Status', Status: 'passing', Output: 'Agent alive and reachable' },
        {
          Name: 'Service check',
          Status: 'critical',
          Output: 'Get "http://127.0.0.1:3012/health/ready": connection refused',
        },
        { Name: 'Other', Status: 'warning', Output: 'slow' },
      ]),
    ).toEqual({
      status: 'critical',
      output: 'Service check: Get "http://127.0.0.1:3012/health/ready": connection refused',
    });
    expect(registryHealthOf([{ Name: 'Service check', Status: 'passing', Output: 'HTTP GET ...: 200 OK' }])).toEqual({
      status: 'passing',
      output: 'Service check: HTTP GET ...: 200 OK',
    });
  });
});
