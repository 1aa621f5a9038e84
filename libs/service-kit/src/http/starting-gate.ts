import type { NextFunction, Request, Response } from 'express';
import { sendProblem } from './error-handler';
import { ServiceUnavailable } from './problem';

/**
 * Stands after the probe, metrics and admin endpoints while a service listens but has not mounted
 * its routes (it is still waiting for its database): every other request gets 503 with
 * Retry-After instead of a 404 from a route that is not there yet. open() lets everything through.
 */
export function startingGate(service: string): {
  middleware: (req: Request, res: Response, next: NextFunction) => void;
  open(): void;
} {
  let open = false;
  const starting = new ServiceUnavailable(`${service} is starting`, { headers: { 'retry-after': '1' } });
  return {
    middleware(req, res, next) {
      if (open) return next();
      sendProblem(req, res, starting);
    },
    open() {
      open = true;
    },
  };
}
