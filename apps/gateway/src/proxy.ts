import type { TLSSocket } from 'node:tls';
import { pipeline } from 'node:stream';
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import type { Logger } from 'pino';
import type { Dispatcher } from 'undici';
import { RoundRobinBalancer, type ServiceInstance } from '@lab/discovery';
import { NotFound, ServiceUnavailable } from '@lab/service-kit';
import { classifyAttemptError, mayRetryElsewhere } from './attempt-rules';
import type { InstanceFailureMarks } from './failure-marks';
import { ForwardedBody } from './forwarded-body';
import { downstreamResponseHeaders, upstreamRequestHeaders } from './forwarded-headers';
import { failureOutcome, statusOutcome, type GatewayMetrics } from './gateway-metrics';
import { BadGateway, GatewayTimeout } from './problems';
import { matchRoute, type GatewayRoute } from './routes';

/** The instances of one service as the gateway sees them: @lab/discovery's WatchedInstanceCache fits. */
export interface InstanceSource {
  instances(): readonly ServiceInstance[];
}

export interface ProxyOptions {
  routes: readonly GatewayRoute[];
  /** Called once per routed service when the handler is built. */
  instancesOf(service: string): InstanceSource;
  /** Shared by every request: keeps connections to each instance alive and bounded. */
  dispatcher: Dispatcher;
  /** Per attempt: wait this long for response headers, and at most this long between body chunks. */
  upstreamTimeoutMs: number;
  /** Extra attempts, each on another instance, after connection failures. */
  retryAttempts: number;
  marks: InstanceFailureMarks;
  metrics: GatewayMetrics;
  log: Logger;
  now?: () => number;
}

interface Target {
  readonly service: string;
  readonly source: InstanceSource;
  readonly balancer: RoundRobinBalancer;
}

/** Whether the request carries a body at all (RFC 9112 §6.3); GETs normally don't. */
function hasBody(req: Request): boolean {
  const length = req.headers['content-length'];
  return req.headers['transfer-encoding'] !== undefined || (length !== undefined && length !== '0');
}

/**
 * The gateway's one request handler, mounted under /api: finds the route, picks a healthy instance
 * round-robin, streams the request there and the response back. Connection failures move on to
 * another instance when that is safe; everything else becomes a problem response.
 */
export function createProxyHandler(o: ProxyOptions): RequestHandler {
  const now = o.now ?? Date.now;
  const { dispatcher, marks, metrics, log, retryAttempts } = o;
  const timeouts = { headersTimeout: o.upstreamTimeoutMs, bodyTimeout: o.upstreamTimeoutMs };
  // One balancer per service, shared by every route that leads to it, so rotation stays even.
  const byService = new Map<string, Target>();
  const targets = new Map<GatewayRoute, Target>();
  for (const route of o.routes) {
    let target = byService.get(route.service);
    if (target === undefined) {
      target = { service: route.service, source: o.instancesOf(route.service), balancer: new RoundRobinBalancer() };
      byService.set(route.service, target);
    }
    targets.set(route, target);
  }

  /** Round-robin over the instances not yet tried for this request, passing over marked ones. */
  function choose(target: Target, tried: readonly string[] | undefined): ServiceInstance | undefined {
    const all = target.source.instances();
    if (tried === undefined && marks.size === 0) return target.balancer.pick(all);
    const untried = tried === undefined ? all : all.filter((instance) => !tried.includes(instance.id));
    const at = now();
    const unmarked = untried.filter((instance) => !marks.isSkipped(instance.id, at));
    // Every candidate is marked: the registry still calls them healthy, so try one anyway rather
    // than refuse the request on the strength of a guess.
    return target.balancer.pick(unmarked.length > 0 ? unmarked : untried);
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
    const service = target.service;

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
      const instance = choose(target, tried);
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
      let upstream: Dispatcher.ResponseData;
      try {
        upstream = await dispatcher.request({
          origin: `http://${instance.address}:${instance.port}`,
          path: match.upstreamPath,
          method: req.method as Dispatcher.HttpMethod,
          headers,
          body,
          signal: abort.signal,
          ...timeouts,
        });
      } catch (error) {
        const failure = classifyAttemptError(abort.signal.aborted ? abort.signal.reason : error);
        metrics.record(service, failureOutcome[failure], (performance.now() - started) / 1000);
        if (abort.signal.aborted) return; // nobody left to answer
        if (failure === 'connection') {
          marks.recordFailure(instance.id, now());
          if (attempt < retryAttempts && mayRetryElsewhere(req.method, req.headers, body?.started ?? false)) {
            (tried ??= []).push(instance.id);
            log.debug({ requestId: req.id, service, instance: instance.id, err: error }, 'upstream connection failed, retrying on another instance');
            continue;
          }
        }
        // Part of the body may still sit unread on the caller's socket: close it after the answer.
        if (body?.started && !req.readableEnded) res.setHeader('connection', 'close');
        next(
          failure === 'timeout'
            ? new GatewayTimeout(`${service} did not answer within ${o.upstreamTimeoutMs} ms`)
            : new BadGateway(failure === 'connection' ? `${service} could not be reached` : `${service} gave no usable answer`),
        );
        return;
      }

      marks.recordSuccess(instance.id);
      const status = upstream.statusCode;
      res.writeHead(status, downstreamResponseHeaders(upstream.headers));
      pipeline(upstream.body, res, (error) => {
        const seconds = (performance.now() - started) / 1000;
        const outcome = statusOutcome(status);
        metrics.record(service, outcome, seconds);
        if (error && !abort.signal.aborted) {
          log.warn({ requestId: req.id, service, instance: instance.id, status, err: error }, 'upstream response ended early');
        } else if (log.isLevelEnabled('debug')) {
          log.debug(
            { requestId: req.id, service, instance: instance.id, status, attempts: attempt + 1, durationMs: Math.round(seconds * 1e5) / 100, ...(error && { aborted: true }) },
            'proxied',
          );
        }
      });
      return;
    }
  };
}
