import { ChangeLog, describeChanges } from './change-events';
import { instanceView as instance } from '../../test/support/instance-view';
import type { InstanceView, SystemView } from './system-view';

function view(...instances: InstanceView[]): SystemView {
  return {
    at: '2026-01-01T00:00:00.000Z',
    registry: 'consul',
    services: [{ name: 'order-service', instances, failing: [], stale: false, routes: [] }],
    gatewaySplit: [],
    servedByVersion: [],
  };
}

const policy = (state: 'closed' | 'open', forcedOpen = false) => ({
  name: 'inventory-service',
  state,
  forcedOpen,
  successes: 0,
  failures: 0,
  rejects: 0,
  timeouts: 0,
  fallbacks: 0,
  bulkhead: { enabled: true, active: 0, queued: 0, rejected: 0 },
  retries: { enabled: true, attempted: 0, budgetExhausted: 0 },
});

describe('describeChanges', () => {
  it('tells instances joining and leaving', () => {
    expect(describeChanges(view(instance('a')), view(instance('b')))).toEqual([
      'b joined order-service (v1, 127.0.0.1:3004)',
      'a left the healthy instances of order-service',
    ]);
  });

  it('tells a breaker changing state, and says when it was forced', () => {
    const closed = instance('a', { dependencies: [{ name: 'inventory-service', policy: policy('closed') }] });
    const open = instance('a', { dependencies: [{ name: 'inventory-service', policy: policy('open', true) }] });
    expect(describeChanges(view(closed), view(open))).toEqual(['a: breaker to inventory-service OPEN (forced open)']);
    expect(describeChanges(view(open), view(open))).toEqual([]);
  });

  it('tells a refused change with its reasons, an applied one, and a flag that changed', () => {
    const refused = instance('a', {
      config: {
        status: {
          version: 1,
          rejections: 1,
          lastRejection: { at: 'x', source: 'kv', issues: [{ path: 'logLevel', message: 'Invalid option' }] },
        },
        flags: [{ path: 'bulk-discount', value: { enabled: false }, source: 'kv' }],
      },
    });
    expect(describeChanges(view(instance('a')), view(refused))).toEqual([
      'a refused a configuration change: logLevel: Invalid option',
    ]);
    const applied = instance('a', {
      config: {
        status: { version: 2, rejections: 0 },
        flags: [{ path: 'bulk-discount', value: { enabled: true }, source: 'kv' }],
      },
    });
    expect(describeChanges(view(instance('a')), view(applied))).toEqual([
      'a applied configuration version 2',
      'a: flag bulk-discount is now {"enabled":true}',
    ]);
  });
});

describe('ChangeLog', () => {
  it('numbers the changes and keeps the last ones, newest first', () => {
    const log = new ChangeLog(2);
    log.add(['one', 'two'], 't1');
    expect(log.add(['three'], 't2')).toEqual([{ seq: 3, at: 't2', text: 'three' }]);
    expect(log.recent().map((e) => e.text)).toEqual(['three', 'two']);
  });
});
