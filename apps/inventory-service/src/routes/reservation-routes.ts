import { Conflict, NotFound, parseBody, parseParams, type ServiceContext } from '@lab/service-kit';
import type { Response } from 'express';
import type { InventoryConfig } from '../config';
import { InsufficientStockError, type Shortage } from '../errors';
import { findReservation, reserve, transition, type TransitionResult } from '../reservation-repository';
import type { ReservationAction } from '../reservation-transitions';
import { createReservationBody, reservationIdParams, settleReservationBody } from '../schemas';

/** Only order-service reserves and settles stock, with its own service token: never a user's token. */
const ORDER_SERVICE = 'order-service';

function shortageMessage(shortage: Shortage): string {
  return shortage.available === null
    ? `product ${shortage.productId} has no stock record`
    : `product ${shortage.productId} has ${shortage.available} available, ${shortage.requested} requested`;
}

function outOfStock(error: InsufficientStockError): Conflict {
  return new Conflict(`Insufficient stock for products ${error.shortages.map((s) => s.productId).join(', ')}`, {
    type: 'urn:problem-type:insufficient-stock',
    errors: error.shortages.map((shortage) => ({
      field: `body.items.${shortage.index}.productId`,
      message: shortageMessage(shortage),
    })),
  });
}

const CONFLICT_REASON: Record<ReservationAction, string> = {
  confirm: 'cannot be confirmed',
  release: 'cannot be released',
};

function sendTransition(res: Response, id: string, action: ReservationAction, result: TransitionResult): void {
  if (result.kind === 'not-found') throw new NotFound(`Reservation ${id} does not exist`);
  if (result.kind === 'other-order') {
    throw new Conflict(`Reservation ${id} was made for another order`, {
      errors: [{ field: 'body.orderId', message: 'is not the order this reservation was made for' }],
    });
  }
  if (result.kind === 'conflict') {
    throw new Conflict(`Reservation ${id} is ${result.reservation.status} and ${CONFLICT_REASON[action]}`);
  }
  res.json(result.reservation);
}

export function registerReservationRoutes(ctx: ServiceContext<InventoryConfig>): void {
  const { app, auth } = ctx;
  const fromOrderService = auth.requireService(ORDER_SERVICE);

  app.post('/reservations', fromOrderService, async (req, res) => {
    const body = parseBody(createReservationBody, req);
    try {
      const { created, reservation } = await reserve(ctx.db, {
        ...body,
        ttlSeconds: ctx.config.RESERVATION_TTL_SECONDS,
      });
      if (created) res.status(201).location(`/reservations/${reservation.id}`);
      res.json(reservation);
    } catch (error) {
      throw error instanceof InsufficientStockError ? outOfStock(error) : error;
    }
  });

  app.get('/reservations/:id', fromOrderService, async (req, res) => {
    const { id } = parseParams(reservationIdParams, req);
    const reservation = await findReservation(ctx.db, id);
    if (!reservation) throw new NotFound(`Reservation ${id} does not exist`);
    res.json(reservation);
  });

  for (const action of ['confirm', 'release'] as const) {
    app.post(`/reservations/:id/${action}`, fromOrderService, async (req, res) => {
      const { id } = parseParams(reservationIdParams, req);
      const { orderId } = parseBody(settleReservationBody, req);
      sendTransition(res, id, action, await transition(ctx.db, { id, orderId, action }));
    });
  }
}
