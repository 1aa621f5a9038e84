import type { ServerResponse } from 'node:http';
import { STATUS_CODES } from 'node:http';

import type { NextFunction, Request, Response } from 'express';
import { z } from 'zod';

import { sendProblem } from './error-handler';
import { HttpProblem } from './problem';

/**
 * Istio's HTTPFaultInjection as a live setting of every service (`fault` in config/<service>/):
 * `delay` holds a share of the requests the service receives for `fixedDelayMs` before handling them,
 * `abort` answers a share with `httpStatus` without handling them. Each share is drawn on its own
 * for every request, the delay first, as Envoy's fault filter does; `percentage` defaults to 100,
 * as Istio's does when it is left out.
 */
export const faultInjectionSchema = z
  .object({
    delay: z
      .object({
        percentage: z.number().min(0).max(100).default(100),
        fixedDelayMs: z.number().int().min(1).max(60_000),
      })
      .strict()
      .optional(),
    abort: z
      .object({
        percentage: z.number().min(0).max(100).default(100),
        httpStatus: z.number().int().min(400).max(599),
      })
      .strict()
      .optional(),
  })
  .strict();

export type FaultInjection = z.output<typeof faultInjectionSchema>;

/** What happens to one request: how long it waits first, and the status it is aborted with, if any. */
export interface FaultDecision {
  delayMs: number;
  abortStatus?: number;
}

/** Draws the faults for one request; `random` gives numbers in [0, 1) like Math.random. */
export function decideFault(fault: FaultInjection, random: () => number): FaultDecision {
  const hits = (percentage: number) => percentage > 0 && random() * 100 < percentage;
  const delayMs = fault.delay && hits(fault.delay.percentage) ? fault.delay.fixedDelayMs : 0;
  const abortStatus = fault.abort && hits(fault.abort.percentage) ? fault.abort.httpStatus : undefined;
  return abortStatus === undefined ? { delayMs } : { delayMs, abortStatus };
}

/** Whether a setting injects anything at all: with none, requests pass untouched. */
export function isFaultActive(fault: FaultInjection | undefined): fault is FaultInjection {
  return (fault?.delay?.percentage ?? 0) > 0 || (fault?.abort?.percentage ?? 0) > 0;
}

export interface FaultInjector {
  middleware(req: Request, res: Response, next: NextFunction): void;
  /** The same for a handler outside Express (ctx.serveFirst): `answer` sends the abort's problem. */
  intercept(res: ServerResponse, next: () => void, answer: (problem: HttpProblem) => void): void;
  /** Applies a new setting (from the live configuration); undefined turns fault injection off. */
  update(fault: FaultInjection | undefined): void;
}

/**
 * The middleware, placed after the health, metrics and admin routes so that those are never
 * faulted (an operator must be able to see and undo what was injected). Off, it costs one check.
 */
export function createFaultInjector(
  o: { random?: () => number; onFault?: (kind: 'delay' | 'abort') => void } = {},
): FaultInjector {
  const random = o.random ?? Math.random;
  let active: FaultInjection | undefined;
  // A plain function, not a method: the middleware is handed to Express unbound.
  function intercept(res: ServerResponse, next: () => void, answer: (problem: HttpProblem) => void): void {
    if (active === undefined) return next();
    const { delayMs, abortStatus } = decideFault(active, random);
    const proceed = () => {
      if (abortStatus === undefined) return next();
      o.onFault?.('abort');
      answer(abortProblem(abortStatus));
    };
    if (delayMs === 0) return proceed();
    o.onFault?.('delay');
    res.setHeader('x-fault-delay-ms', String(delayMs));
    setTimeout(proceed, delayMs);
  }
  return {
    update(fault) {
      active = isFaultActive(fault) ? fault : undefined;
    },
    middleware(req, res, next) {
      if (active === undefined) return next();
      intercept(res, next, (problem) => sendProblem(req, res, problem));
    },
    intercept,
  };
}

function abortProblem(status: number): HttpProblem {
  return new HttpProblem(status, STATUS_CODES[status] ?? 'Fault Injected', 'fault injected (fault.abort)', {
    headers: { 'x-fault-injected': 'abort' },
  });
}
