import type { TLSSocket } from 'node:tls';
import { pipeline } from 'node:stream';
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import type { Logger } from 'pino';
import type { Dispatcher } from 'undici';
import { httpOrigin } from '@lab/common';
import type { AttemptOutcome, ServiceInstance } from '@lab/discovery';
import { NotFound, ServiceUnavailable } from '@lab/service-kit';
import { classifyAttemptError, mayRetryElsewhere, outcomeOfFailure, outcomeOfResponse } from './attempt-rules';
import { ForwardedBody } from './forwarded-body';
import { downstreamResponseHeaders, upstreamRequestHeaders } from './forwarded-headers';
import { failureOutcome as failureMetric, statusOutcome, type GatewayMetrics } from './gateway-metrics';
import { BadGateway, GatewayTimeout } from './problems';
import { matchRoute, type GatewayRoute } from './routes';

/**
 * How the gateway chooses an instance of one service and reports each attempt back:
 * @lab/discovery's InstanceSelector (healthy instances from the watched cache, minus ejected
 * outliers, chosen by the configured balancer) fits.
 */
export interface InstanceChooser {
  pick(exclude?: readonly string[]): ServiceInstance | undefined;
  started(instanceId: string): void;
  finished(instanceId: string, outcome: AttemptOutcome): void;
}

export interface ProxyOptions {
  routes: readonly GatewayRoute[];
  /** Called once per routed service when the handler is built; shared with every other caller. */
  chooserFor(service: string): InstanceChooser;
  /** Shared by every request: keeps connections to each instance alive and bounded. */
  dispatcher: Dispatcher;
  /** Per attempt: wait this long for response headers, and at most this long between body chunks. */
  upstreamTimeoutMs: number;
  /** Extra attempts, each on another instance, after connection failures. */
  retryAttempts: number;
  metrics: GatewayMetrics;
  log: Logger;
}

interface Target {
  readonly service: string;
  readonly chooser: InstanceChooser;
}

/** Whether the request carries a body at all (RFC 9112 §6.3); GETs normally don't. */
function hasBody(req: Request): boolean {
  const length = req.headers['content-length'];
  return req.headers['transfer-encoding'] !== undefined || (length !== undefined && length !== '0');
}

/**
 * The gateway's one request handler, mounted under /api: finds the route, lets the service's
 * chooser pick an instance (the configured balancer over the healthy, non-ejected ones), streams
 * the request there and the response back. Connection failures move on to another instance when
 * that is safe; everything else becomes a problem response. Every attempt is reported back to the
 * chooser, so in-flight counts and outlier ejection see the gateway's traffic.
 */
export function createProxyHandler(o: ProxyOptions): RequestHandler {
  const { dispatcher, metrics, log, retryAttempts } = o;
  const timeouts = { headersTimeout: o.upstreamTimeoutMs, bodyTimeout: o.upstreamTimeoutMs };
  // One chooser per service, shared by every route that leads to it, so the balancing stays even.
  const byService = new Map<string, Target>();
  const targets = new Map<GatewayRoute, Target>();
  for (const route of o.routes) {
    let target = byService.get(route.service);
    if (target === undefined) {
      target = { service: route.service, chooser: o.chooserFor(route.service) };
      byService.set(route.service, target);
    }
    targets.set(route, target);
  }

  return async function proxy(req: Request, res: Response, next: NextFunction): Promise<void> {
    const match = matchRoute(o.routes, req.originalUrl);
    if (match === undefined) {
      next(new NotFound('No service is routed at this path'));
      return;
    }
    // Names the route in service-kit's metrics and request log without one label per URL.
    res.locals.route = match.route.prefix;
    const target = targets.get(match.route)!;
    const { service, chooser } = target;

    // Client gone before the upstream answered: abort the attempt (the response pipeline handles
    // a client that goes away later).
    const abort = new AbortController();
    res.once('close', () => {
      if (!res.writableFinished) abort.abort();
    });

    const headers = upstreamRequestHeaders(req.headers, {
      clientAddress: req.socket.remoteAddress,
      proto: (req.socket as TLSSocket).encrypted ? 'https' : 'http',
      requestId: req.id,
    });
    const withBody = hasBody(req);
    let tried: string[] | undefined;

    for (let attempt = 0; ; attempt++) {
      const instance = chooser.pick(tried);
      if (instance === undefined) {
        next(
          tried === undefined
            ? new ServiceUnavailable(`No healthy instance of ${service}`)
            : new BadGateway(`${service} could not be reached (tried ${tried.length} instance(s))`),
        );
        return;
      }
      const body = withBody ? new ForwardedBody(req) : undefined;
      const started = performance.now();
      chooser.started(instance.id);
      let upstream: Dispatcher.ResponseData;
      try {
        upstream = await dispatcher.request({
          origin: httpOrigin(instance.address, instance.port),
          path: match.upstreamPath,
          method: req.method as Dispatcher.HttpMethod,
          headers,
          body,
          signal: abort.signal,
          ...timeouts,
        });
      } catch (error) {
        const failure = classifyAttemptError(abort.signal.aborted ? abort.signal.reason : error);
        metrics.record(service, failureMetric[failure], (performance.now() - started) / 1000);
        chooser.finished(instance.id, abort.signal.aborted ? 'neutral' : outcomeOfFailure[failure]);
        if (abort.signal.aborted) return; // nobody left to answer
        if (failure === 'connection') {
          if (attempt < retryAttempts && mayRetryElsewhere(req.method, req.headers, body?.started ?? false)) {
            (tried ??= []).push(instance.id);
            log.debug(
              { requestId: req.id, service, instance: instance.id, err: error },
              'upstream connection failed, retrying on another instance',
            );
            continue;
          }
        }
        // Part of the body may still sit unread on the caller's socket: close it after the answer.
        if (body?.started && !req.readableEnded) res.setHeader('connection', 'close');
        next(
          failure === 'timeout'
            ? new GatewayTimeout(`${service} did not answer within ${o.upstreamTimeoutMs} ms`)
            : new BadGateway(
                failure === 'connection' ? `${service} could not be reached` : `${service} gave no usable answer`,
              ),
        );
        return;
      }

      const status = upstream.statusCode;
      res.writeHead(status, downstreamResponseHeaders(upstream.headers));
      pipeline(upstream.body, res, (error) => {
        const seconds = (performance.now() - started) / 1000;
        metrics.record(service, statusOutcome(status), seconds);
        chooser.finished(instance.id, outcomeOfResponse(status, error, abort.signal.aborted));
        if (error && !abort.signal.aborted) {
          log.warn(
            { requestId: req.id, service, instance: instance.id, status, err: error },
            'upstream response ended early',
          );
        } else if (log.isLevelEnabled('debug')) {
          log.debug(
            {
              requestId: req.id,
              service,
              instance: instance.id,
              status,
              attempts: attempt + 1,
              durationMs: Math.round(seconds * 1e5) / 100,
              ...(error && { aborted: true }),
            },
            'proxied',
          );
        }
      });
      return;
    }
  };
}
