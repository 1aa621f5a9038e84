export type ReservationStatus = 'pending' | 'confirmed' | 'released' | 'expired';
export type ReservationAction = 'confirm' | 'release';

/**
 * What a confirm or release request does to a reservation, decided from its current state alone.
 * - `apply`: move to `next` (and move the stock accordingly);
 * - `unchanged`: already where the caller wants it, answer with it as it is (idempotency);
 * - `conflict`: the transition is impossible; `expireFirst` says the reservation outlived its
 *   TTL and the sweeper has not reached it yet, so it is expired now before answering.
 */
export type TransitionPlan =
  | { kind: 'apply'; next: 'confirmed' | 'released' }
  | { kind: 'unchanged' }
  | { kind: 'conflict'; expireFirst: boolean };

export function planTransition(
  status: ReservationStatus,
  pastExpiry: boolean,
  action: ReservationAction,
): TransitionPlan {
  if (action === 'confirm') {
    if (status === 'confirmed') return { kind: 'unchanged' };
    if (status === 'pending') {
      return pastExpiry ? { kind: 'conflict', expireFirst: true } : { kind: 'apply', next: 'confirmed' };
    }
    return { kind: 'conflict', expireFirst: false };
  }
  if (status === 'pending') return { kind: 'apply', next: 'released' };
  // An expired reservation already gave its stock back: releasing it has nothing left to do.
  if (status === 'released' || status === 'expired') return { kind: 'unchanged' };
  return { kind: 'conflict', expireFirst: false };
}
