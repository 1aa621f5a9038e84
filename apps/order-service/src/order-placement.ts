import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { errorMessage } from '@lab/common';
import { Conflict, type ServiceClient, UnprocessableEntity } from '@lab/service-kit';
import type { Pool } from 'pg';
import { fetchUnitPrices, reserveStock, settleReservation } from './neighbours';
import {
  claimIdempotencyKey,
  confirmOrder,
  deletePendingOrder,
  findConfirmedOrder,
  type Order,
} from './order-repository';
import { priceOrder, requestHash, type OrderItemRequest, type PricingRules } from './order-pricing';

interface PlacementLogger {
  warn(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
}

export interface OrderPlacementOptions {
  db: Pool;
  products: ServiceClient;
  inventory: ServiceClient;
  log: PlacementLogger;
  /** How long a duplicate request waits for the first one to finish before answering 409. */
  duplicateWaitMs: number;
  /** A pending order older than this is presumed abandoned (its process died) and replaced. */
  pendingStaleSeconds: number;
}

export interface PlaceOrderRequest {
  userId: string;
  idempotencyKey: string;
  items: OrderItemRequest[];
  /** Pricing rules that apply to this caller (feature flags). */
  pricing?: PricingRules;
}

export interface PlacementResult {
  order: Order;
  /** True when this answers a repeat of an earlier request with the same Idempotency-Key. */
  replayed: boolean;
}

const DUPLICATE_POLL_MS = 25;

/**
 * Places an order: claim the Idempotency-Key with a pending row, price the items, reserve the stock,
 * confirm the reservation, store the confirmed order. Whatever fails after the reservation releases
 * it again, and whatever fails at all deletes the pending row, so a failed request leaves nothing
 * behind and may simply be retried with the same key.
 */
export class OrderPlacement {
  constructor(private readonly o: OrderPlacementOptions) {}

  async place(request: PlaceOrderRequest): Promise<PlacementResult> {
    const hash = requestHash(request.items);
    const claim = await this.claim(request, hash);
    if ('replay' in claim) return { order: claim.replay, replayed: true };
    return { order: await this.fulfil(claim.orderId, request), replayed: false };
  }

  /**
   * Inserts the pending row, or — when another request already holds the key — waits for that one
   * to finish and replays its order. A holder that fails deletes its row, and then this request
   * takes the key over and does the work itself.
   */
  private async claim(request: PlaceOrderRequest, hash: string): Promise<{ orderId: string } | { replay: Order }> {
    const deadline = Date.now() + this.o.duplicateWaitMs;
    for (;;) {
      const orderId = randomUUID();
      const result = await claimIdempotencyKey(this.o.db, {
        id: orderId,
        userId: request.userId,
        idempotencyKey: request.idempotencyKey,
        requestHash: hash,
        staleAfterSeconds: this.o.pendingStaleSeconds,
      });
      if (result.claimed) return { orderId };
      const holder = result.holder;
      if (holder === undefined) continue; // the holder failed and was deleted just now: claim again
      if (holder.requestHash !== hash) {
        throw new UnprocessableEntity('This Idempotency-Key was already used with a different request', {
          errors: [{ field: 'headers.idempotency-key', message: 'already used with a different request body' }],
        });
      }
      if (holder.status === 'confirmed') {
        const order = await findConfirmedOrder(this.o.db, holder.id);
        if (order) return { replay: order };
        throw new Error(`confirmed order ${holder.id} could not be read`);
      }
      if (holder.stale) {
        await deletePendingOrder(this.o.db, holder.id, this.o.pendingStaleSeconds);
        continue;
      }
      if (Date.now() >= deadline) {
        throw new Conflict('An order with this Idempotency-Key is still in progress; retry shortly', {
          type: 'urn:problem-type:idempotency-in-progress',
        });
      }
      await sleep(DUPLICATE_POLL_MS);
    }
  }

  private async fulfil(orderId: string, request: PlaceOrderRequest): Promise<Order> {
    const { items } = request;
    let reservationId: string | undefined;
    let reservationConfirmed = false;
    try {
      const { lines, totalCents } = priceOrder(items, await fetchUnitPrices(this.o.products, items), request.pricing);
      reservationId = (await reserveStock(this.o.inventory, { orderId, items })).id;
      // Confirmed in inventory before the order turns 'confirmed' here: a duplicate request that
      // sees the confirmed order can rely on it, since nothing will undo it afterwards.
      await settleReservation(this.o.inventory, { reservationId, orderId, action: 'confirm' });
      reservationConfirmed = true;
      return await confirmOrder(this.o.db, { id: orderId, reservationId, lines, totalCents });
    } catch (error) {
      await this.compensate({ orderId, reservationId, reservationConfirmed, error });
      throw error;
    }
  }

  /** Best effort: each step is logged when it fails and never hides the original error. */
  private async compensate(o: {
    orderId: string;
    reservationId: string | undefined;
    reservationConfirmed: boolean;
    error: unknown;
  }): Promise<void> {
    const { orderId, reservationId } = o;
    if (reservationId !== undefined && o.reservationConfirmed) {
      // Stock confirmed in inventory cannot be released any more; someone must reconcile it.
      this.o.log.error(
        { orderId, reservationId, error: errorMessage(o.error) },
        'order could not be stored after its reservation was confirmed',
      );
    } else if (reservationId !== undefined) {
      try {
        await settleReservation(this.o.inventory, { reservationId, orderId, action: 'release' });
      } catch (releaseError) {
        this.o.log.warn(
          { orderId, reservationId, error: errorMessage(releaseError) },
          'could not release the reservation of a failed order; it will expire on its own',
        );
      }
    }
    try {
      await deletePendingOrder(this.o.db, orderId);
    } catch (deleteError) {
      this.o.log.warn(
        { orderId, error: errorMessage(deleteError) },
        'could not delete the pending row of a failed order',
      );
    }
  }
}
