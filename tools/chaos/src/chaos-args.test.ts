import { UsageError } from '@lab/common';
import { parseChaosArgs } from './chaos-args';

describe('parseChaosArgs', () => {
  it('reads delay and abort into the live fault setting, with Istio-like defaults', () => {
    expect(parseChaosArgs(['delay', 'inventory-service', '--ms', '800', '--percent', '50'])).toEqual({
      command: 'delay',
      service: 'inventory-service',
      fault: { delay: { percentage: 50, fixedDelayMs: 800 } },
    });
    expect(parseChaosArgs(['abort', 'inventory-service'])).toEqual({
      command: 'abort',
      service: 'inventory-service',
      fault: { abort: { percentage: 100, httpStatus: 503 } },
    });
    expect(parseChaosArgs(['abort', 'x', '--status=500', '--percent=12.5'])).toMatchObject({
      fault: { abort: { percentage: 12.5, httpStatus: 500 } },
    });
    expect(parseChaosArgs(['stop', 'x', '--instance', 'x-2'])).toEqual({
      command: 'stop',
      service: 'x',
      instance: 'x-2',
    });
    expect(parseChaosArgs(['resume', 'x'])).toEqual({ command: 'resume', service: 'x' });
    expect(parseChaosArgs(['--help'])).toBe('help');
  });

  it.each([
    [['delay', 'x'], /delay needs --ms/],
    [['delay', 'x', '--ms', '0'], /--ms: /],
    [['delay', 'x', '--ms', '70000'], /--ms: /],
    [['delay', 'x', '--ms', 'soon'], /--ms must be a number/],
    [['abort', 'x', '--percent', '150'], /--percent: /],
    [['abort', 'x', '--status', '200'], /--status: /],
    [['abort', 'x', '--ms', '10'], /--ms does not apply to abort/],
    [['stop', 'x', '--percent', '10'], /--percent does not apply to stop/],
    [['explode', 'x'], /unknown command "explode"/],
    [['abort'], /abort needs a service/],
    [['abort', 'x', 'y'], /unexpected "y"/],
    [['abort', 'x', '--force'], /Unknown option '--force'/],
  ])('refuses %j with a clear message', (argv, message) => {
    expect(() => parseChaosArgs(argv)).toThrow(UsageError);
    expect(() => parseChaosArgs(argv)).toThrow(message);
  });
});
