import type { IncomingMessage, RequestListener, ServerResponse } from 'node:http';
import type { Express } from 'express';
import type { Logger } from 'pino';
import { logAnsweredError, PROBLEM_CONTENT_TYPE, problemDocument } from './error-handler';
import type { FaultInjector } from './fault-injection';
import type { HttpMetrics } from './metrics';
import type { HttpProblem } from './problem';
import { pickRequestId, REQUEST_ID_HEADER } from './request-id';
import { logRequest } from './request-logger';
import { UNMATCHED_ROUTE } from './route-label';

/**
 * One request a first handler serves, with what service-kit's Express pipeline would have given
 * it: the request id (already on the response), the route label for metrics and the request log,
 * and `fail` for a problem answer in the same shape as the error handler's.
 */
export class FirstHandlerExchange {
  /** The route template for metrics and the log line: set it once the handler knows the route. */
  route = UNMATCHED_ROUTE;
  readonly startedAt = performance.now();

  constructor(
    readonly id: string,
    private readonly req: IncomingMessage,
    private readonly res: ServerResponse,
    private readonly log: Logger,
  ) {}

  /** Answers with a problem document; a response already under way is cut short instead. */
  readonly fail = (problem: HttpProblem): void => {
    const { req, res } = this;
    const url = req.url ?? '/';
    logAnsweredError(this.log, problem, problem, { requestId: this.id, method: req.method ?? '', path: url });
    if (res.headersSent) {
      res.destroy();
      return;
    }
    const body = problemDocument(problem, url, this.id);
    res.statusCode = problem.status;
    if (problem.headers) for (const name in problem.headers) res.setHeader(name, problem.headers[name]);
    res.setHeader('content-type', `${PROBLEM_CONTENT_TYPE}; charset=utf-8`);
    res.setHeader('content-length', Buffer.byteLength(body));
    res.end(body);
  };
}

export type FirstHandler = (req: IncomingMessage, res: ServerResponse, exchange: FirstHandlerExchange) => void;

/** Whether `url` is `prefix` itself or below it, as a whole path segment ('/api', '/api/x', '/api?q'). */
export function isUnder(url: string, prefix: string): boolean {
  if (!url.startsWith(prefix)) return false;
  const next = url.charCodeAt(prefix.length);
  return Number.isNaN(next) || next === 0x2f || next === 0x3f;
}

/**
 * The server's request listener: requests under a first handler's prefix go straight to it, the
 * rest to the Express app. A first handler skips Express's router and middleware chain (a
 * gateway's hot path), but is counted, logged and answers problems as every other request.
 */
export class FirstHandlers {
  private prefix: string | undefined;
  private handler: FirstHandler | undefined;

  private faults: FaultInjector | undefined;

  constructor(private readonly o: { app: Express; metrics: HttpMetrics; requestLog: Logger; log: Logger }) {}

  /** Live fault injection (fault.delay, fault.abort) applies to first handlers as to Express routes. */
  injectFaults(faults: FaultInjector): void {
    this.faults = faults;
  }

  /** Serves requests under `prefix` with `handler` from now on; one first handler per service. */
  set(prefix: string, handler: FirstHandler): void {
    if (this.handler !== undefined) throw new Error(`a first handler is already set for ${this.prefix}`);
    this.prefix = prefix;
    this.handler = handler;
  }

  readonly listener: RequestListener = (req, res) => {
    const { handler, prefix } = this;
    if (handler === undefined || prefix === undefined || !isUnder(req.url ?? '', prefix)) {
      this.o.app(req, res);
      return;
    }
    const exchange = new FirstHandlerExchange(pickRequestId(req.headers[REQUEST_ID_HEADER]), req, res, this.o.log);
    res.setHeader(REQUEST_ID_HEADER, exchange.id);
    res.once('close', () => this.finished(req, res, exchange));
    if (this.faults === undefined) handler(req, res, exchange);
    else this.faults.intercept(res, () => handler(req, res, exchange), exchange.fail);
  };

  private finished(req: IncomingMessage, res: ServerResponse, exchange: FirstHandlerExchange): void {
    const method = req.method ?? '';
    const durationMs = performance.now() - exchange.startedAt;
    const completed = res.writableFinished;
    if (completed) this.o.metrics.record(method, exchange.route, res.statusCode, durationMs / 1000);
    logRequest(this.o.requestLog, {
      requestId: exchange.id,
      method,
      route: exchange.route,
      url: req.url ?? '',
      status: res.statusCode,
      durationMs,
      aborted: !completed,
    });
  }
}
