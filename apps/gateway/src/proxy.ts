import type { IncomingMessage, ServerResponse } from 'node:http';
import type { TLSSocket } from 'node:tls';
import type { Span } from '@opentelemetry/api';
import type { Logger } from 'pino';
import type { Dispatcher } from 'undici';
import { instanceOrigin, type AttemptOutcome, type ServiceInstance } from '@lab/discovery';
import {
  NotFound,
  PayloadTooLarge,
  ServiceUnavailable,
  type FirstHandlerExchange,
  type HttpProblem,
} from '@lab/service-kit';
import {
  classifyAttemptError,
  mayRetryElsewhere,
  outcomeOfFailure,
  outcomeOfResponse,
  type AttemptFailure,
} from './attempt-rules';
import { ForwardedBody } from './forwarded-body';
import { downstreamResponseHeaders, upstreamRequestHeaders, type HeaderMap } from './forwarded-headers';
import { failureOutcome as failureMetric, statusOutcome, type GatewayMetrics } from './gateway-metrics';
import { BadGateway, GatewayTimeout } from './problems';
import { matchRoute, type GatewayRoute } from './routes';
import { endUpstreamSpan, startUpstreamSpan } from './upstream-span';
import { instanceVersion, SERVED_BY_HEADER, servedBy, type VersionRouter } from './version-routing';

/**
 * How the gateway chooses an instance of one service and reports each attempt back:
 * @lab/discovery's InstanceSelector (healthy instances from the watched cache, minus ejected
 * outliers, chosen by the configured balancer) fits.
 */
export interface InstanceChooser {
  /** `accept` narrows the choice to a version subset. */
  pick(exclude?: readonly string[], accept?: (instance: ServiceInstance) => boolean): ServiceInstance | undefined;
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
  /** Largest request body passed on, in bytes; larger ones are answered 413. */
  maxBodyBytes: number;
  /** Whether a socket peer is a proxy whose X-Forwarded-* headers are believed (TRUSTED_PROXIES). */
  isTrustedProxy(address: string): boolean;
  metrics: GatewayMetrics;
  /** Version-aware routing: which subset of a service's instances a request may go to. */
  versions: VersionRouter;
  log: Logger;
}

interface Target {
  readonly service: string;
  readonly chooser: InstanceChooser;
}

/** One request on its way through the gateway: what every step of it reads. */
interface Exchange {
  readonly req: IncomingMessage;
  readonly res: ServerResponse;
  readonly requestId: string;
  readonly service: string;
  readonly chooser: InstanceChooser;
  readonly upstreamPath: string;
  readonly headers: HeaderMap;
  readonly withBody: boolean;
  /** Aborted when the client goes away before the upstream has answered. */
  readonly abort: AbortController;
  /** Answers the client with a problem (no response has started yet). */
  readonly fail: (problem: HttpProblem) => void;
}

/** What one attempt on one instance came to: a response to relay, or why there was none. */
type AttemptResult =
  | { readonly response: Dispatcher.ResponseData; readonly started: number; readonly span: Span | undefined }
  | {
      readonly failure: AttemptFailure;
      readonly error: unknown;
      readonly bodyStarted: boolean;
      /** The body grew past the limit on the way: the caller's fault, not the instance's. */
      readonly bodyTooLarge: boolean;
    };

/** The metric outcome of an attempt cut short because the body grew past the limit. */
const BODY_TOO_LARGE = 'body_too_large';

/** Whether the request carries a body at all (RFC 9112 §6.3); GETs normally don't. */
function hasBody(req: IncomingMessage): boolean {
  const length = req.headers['content-length'];
  return req.headers['transfer-encoding'] !== undefined || (length !== undefined && length !== '0');
}

/**
 * The gateway's proxy, split by step: `route` finds the service, `forward` runs attempts until one
 * gets a response or none is left, `attempt` sends the request to one instance, and `relay`
 * streams the answer back. Connection failures move on to another instance when that is safe;
 * everything else becomes a problem response. Every attempt is reported back to the chooser, so
 * in-flight counts and outlier ejection see the gateway's traffic.
 */
export class Proxy {
  private readonly timeouts: { headersTimeout: number; bodyTimeout: number };
  /** One chooser per service, shared by every route that leads to it, so the balancing stays even. */
  private readonly targets = new Map<GatewayRoute, Target>();

  constructor(private readonly o: ProxyOptions) {
    this.timeouts = { headersTimeout: o.upstreamTimeoutMs, bodyTimeout: o.upstreamTimeoutMs };
    const byService = new Map<string, Target>();
    for (const route of o.routes) {
      let target = byService.get(route.service);
      if (target === undefined) {
        target = { service: route.service, chooser: o.chooserFor(route.service) };
        byService.set(route.service, target);
      }
      this.targets.set(route, target);
    }
  }

  /**
   * Proxies one request under /api (served ahead of Express: see ctx.serveFirst); an unrouted one
   * is answered 404. The exchange carries the request id, the route label and the problem answer.
   */
  readonly route = (req: IncomingMessage, res: ServerResponse, exchange: FirstHandlerExchange): void => {
    const { fail } = exchange;
    const match = matchRoute(this.o.routes, req.url ?? '');
    if (match === undefined) {
      fail(new NotFound('No service is routed at this path'));
      return;
    }
    // Names the route in metrics and the request log without one label per URL.
    exchange.route = match.route.prefix;
    const { service, chooser } = this.targets.get(match.route)!;
    const length = req.headers['content-length'];
    if (length !== undefined && Number(length) > this.o.maxBodyBytes) {
      // The body stays unread on the socket: close it after the answer rather than read it all.
      res.setHeader('connection', 'close');
      fail(this.tooLarge());
      return;
    }
    const abort = new AbortController();
    // Client gone before the upstream answered: abort the attempt (the response pipeline handles
    // a client that goes away later).
    res.once('close', () => {
      if (!res.writableFinished) abort.abort();
    });
    const peer = req.socket.remoteAddress;
    const headers = upstreamRequestHeaders(req.headers, {
      clientAddress: peer,
      peerTrusted: peer !== undefined && this.o.isTrustedProxy(peer),
      proto: (req.socket as TLSSocket).encrypted ? 'https' : 'http',
      requestId: exchange.id,
    });
    void this.forward({
      req,
      res,
      requestId: exchange.id,
      service,
      chooser,
      upstreamPath: match.upstreamPath,
      headers,
      withBody: hasBody(req),
      abort,
      fail,
    });
  };

  /** Attempts on one instance after another until one answers, a failure is final or none is left. */
  private async forward(x: Exchange): Promise<void> {
    let tried: string[] | undefined;
    // The one place version-aware routing enters: the rules narrow which instances may be picked.
    const candidates = this.o.versions.forRequest(x.chooser, x.service, x.req.headers);
    for (let attempts = 1; ; attempts++) {
      const instance = candidates.pick(tried);
      if (instance === undefined) {
        x.fail(
          tried === undefined
            ? new ServiceUnavailable(candidates.unavailable)
            : new BadGateway(`${x.service} could not be reached (tried ${tried.length} instance(s))`),
        );
        return;
      }
      const result = await this.attempt(x, instance);
      if ('response' in result) {
        this.relay(x, instance, result, attempts);
        return;
      }
      if (x.abort.signal.aborted) return; // nobody left to answer
      const { failure, error, bodyStarted } = result;
      if (result.bodyTooLarge) {
        if (!x.req.readableEnded) x.res.setHeader('connection', 'close');
        x.fail(this.tooLarge());
        return;
      }
      if (
        failure === 'connection' &&
        attempts <= this.o.retryAttempts &&
        mayRetryElsewhere(x.req.method ?? '', x.req.headers, bodyStarted)
      ) {
        (tried ??= []).push(instance.id);
        this.o.log.debug(
          { requestId: x.requestId, service: x.service, instance: instance.id, err: error },
          'upstream connection failed, retrying on another instance',
        );
        continue;
      }
      // Part of the body may still sit unread on the caller's socket: close it after the answer.
      if (bodyStarted && !x.req.readableEnded) x.res.setHeader('connection', 'close');
      x.fail(this.finalProblem(x.service, failure));
      return;
    }
  }

  /**
   * One request to one instance, up to its response headers. A failure is recorded (metric, and the
   * chooser's outcome for outlier ejection) here; a response is recorded once it has been relayed.
   */
  private async attempt(x: Exchange, instance: ServiceInstance): Promise<AttemptResult> {
    const body = x.withBody ? new ForwardedBody(x.req, this.o.maxBodyBytes) : undefined;
    const started = performance.now();
    x.chooser.started(instance.id);
    const method = x.req.method ?? 'GET';
    const span = startUpstreamSpan(x.service, instance, method, x.upstreamPath, x.headers);
    try {
      const response = await this.o.dispatcher.request({
        origin: instanceOrigin(instance),
        path: x.upstreamPath,
        method: x.req.method as Dispatcher.HttpMethod,
        headers: x.headers,
        body,
        signal: x.abort.signal,
        ...this.timeouts,
      });
      return { response, started, span };
    } catch (error) {
      const aborted = x.abort.signal.aborted;
      const bodyTooLarge = body?.tooLarge ?? false;
      const failure = classifyAttemptError(aborted ? x.abort.signal.reason : error);
      endUpstreamSpan(span, { failure: bodyTooLarge ? BODY_TOO_LARGE : failure });
      const seconds = (performance.now() - started) / 1000;
      const outcome = bodyTooLarge ? BODY_TOO_LARGE : failureMetric[failure];
      this.o.metrics.record(x.service, instanceVersion(instance), outcome, seconds);
      x.chooser.finished(instance.id, aborted || bodyTooLarge ? 'neutral' : outcomeOfFailure[failure]);
      return { failure, error, bodyStarted: body?.started ?? false, bodyTooLarge };
    }
  }

  /**
   * Streams the upstream's answer to the client, then records the attempt. Piped by hand rather
   * than with stream.pipeline, which builds and aborts an AbortController (and its DOMException)
   * for every response it finishes.
   */
  private relay(
    x: Exchange,
    instance: ServiceInstance,
    { response: upstream, started, span }: Extract<AttemptResult, { response: unknown }>,
    attempts: number,
  ): void {
    const status = upstream.statusCode;
    const { res } = x;
    const body = upstream.body;
    let failure: Error | undefined;
    const responseHeaders = downstreamResponseHeaders(upstream.headers);
    responseHeaders[SERVED_BY_HEADER] = servedBy(instance);
    res.writeHead(status, responseHeaders);
    // The upstream broke off mid-response: the status line is out, so the client's connection
    // is cut to tell it so.
    body.once('error', (error) => {
      failure ??= error;
      res.destroy(error);
    });
    res.once('close', () => {
      if (!res.writableFinished) {
        failure ??= new Error('the client closed the connection before the response ended');
        body.destroy();
      }
      this.relayed(x, instance, { status, span, attempts, seconds: (performance.now() - started) / 1000 }, failure);
    });
    body.pipe(res);
  }

  private relayed(
    x: Exchange,
    instance: ServiceInstance,
    done: { status: number; span: Span | undefined; attempts: number; seconds: number },
    error: Error | undefined,
  ): void {
    const { abort, service, requestId } = x;
    const { status, seconds } = done;
    endUpstreamSpan(done.span, {
      status,
      failure: error && !abort.signal.aborted ? 'response ended early' : undefined,
    });
    this.o.metrics.record(service, instanceVersion(instance), statusOutcome(status), seconds);
    x.chooser.finished(instance.id, outcomeOfResponse(status, error, abort.signal.aborted));
    const { log } = this.o;
    if (error && !abort.signal.aborted) {
      log.warn({ requestId, service, instance: instance.id, status, err: error }, 'upstream response ended early');
    } else if (log.isLevelEnabled('debug')) {
      log.debug(
        {
          requestId,
          service,
          instance: instance.id,
          version: instanceVersion(instance),
          status,
          attempts: done.attempts,
          durationMs: Math.round(seconds * 1e5) / 100,
          ...(error && { aborted: true }),
        },
        'proxied',
      );
    }
  }

  private tooLarge(): HttpProblem {
    return new PayloadTooLarge(`The request body is larger than ${this.o.maxBodyBytes} bytes`);
  }

  private finalProblem(service: string, failure: AttemptFailure): HttpProblem {
    if (failure === 'timeout')
      return new GatewayTimeout(`${service} did not answer within ${this.o.upstreamTimeoutMs} ms`);
    return new BadGateway(
      failure === 'connection' ? `${service} could not be reached` : `${service} gave no usable answer`,
    );
  }
}
