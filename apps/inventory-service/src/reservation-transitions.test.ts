import { planTransition } from './reservation-transitions';

describe('planTransition', () => {
  it('confirms a pending reservation within its TTL', () => {
    expect(planTransition('pending', false, 'confirm')).toEqual({ kind: 'apply', next: 'confirmed' });
  });

  it('expires a pending reservation past its TTL instead of confirming it', () => {
    expect(planTransition('pending', true, 'confirm')).toEqual({ kind: 'conflict', expireFirst: true });
  });

  it('treats confirm of a confirmed reservation as a repeat', () => {
    expect(planTransition('confirmed', false, 'confirm')).toEqual({ kind: 'unchanged' });
    expect(planTransition('confirmed', true, 'confirm')).toEqual({ kind: 'unchanged' });
  });

  it.each(['released', 'expired'] as const)('refuses to confirm a %s reservation', (status) => {
    expect(planTransition(status, false, 'confirm')).toEqual({ kind: 'conflict', expireFirst: false });
  });

  it('releases a pending reservation, due or not', () => {
    expect(planTransition('pending', false, 'release')).toEqual({ kind: 'apply', next: 'released' });
    expect(planTransition('pending', true, 'release')).toEqual({ kind: 'apply', next: 'released' });
  });

  it.each(['released', 'expired'] as const)('treats release of a %s reservation as a repeat', (status) => {
    expect(planTransition(status, false, 'release')).toEqual({ kind: 'unchanged' });
  });

  it('refuses to release a confirmed reservation', () => {
    expect(planTransition('confirmed', false, 'release')).toEqual({ kind: 'conflict', expireFirst: false });
  });
});
