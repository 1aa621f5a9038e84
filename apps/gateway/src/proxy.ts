import type { IncomingHttpHeaders, IncomingMessage, ServerResponse } from 'node:http';
import type { TLSSocket } from 'node:tls';
import { context, type Context, type Span } from '@opentelemetry/api';
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
import {
  instanceVersion,
  SERVED_BY_HEADER,
  servedBy,
  type RequestChooser,
  type VersionRouter,
} from './version-routing';

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

/** The metric outcome of an attempt cut short because the body grew past the limit. */
const BODY_TOO_LARGE = 'body_too_large';

/** Whether the request carries a body at all (RFC 9112 §6.3); GETs normally don't. */
function hasBody(req: IncomingMessage): boolean {
  const length = req.headers['content-length'];
  return req.headers['transfer-encoding'] !== undefined || (length !== undefined && length !== '0');
}

/**
 * The gateway's proxy: `route` finds the service and hands the request to a ProxiedRequest, which
 * runs attempts until one gets a response or none is left and streams the answer back. Connection
 * failures move on to another instance when that is safe; everything else becomes a problem
 * response. Every attempt is reported back to the chooser, so in-flight counts and outlier ejection
 * see the gateway's traffic.
 */
export class Proxy {
  readonly timeouts: { readonly headersTimeout: number; readonly bodyTimeout: number };
  /** One chooser per service, shared by every route that leads to it, so the balancing stays even. */
  private readonly targets = new Map<GatewayRoute, Target>();

  constructor(readonly o: ProxyOptions) {
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
    const peer = req.socket.remoteAddress;
    const headers = upstreamRequestHeaders(req.headers, {
      clientAddress: peer,
      peerTrusted: peer !== undefined && this.o.isTrustedProxy(peer),
      proto: (req.socket as TLSSocket).encrypted ? 'https' : 'http',
      requestId: exchange.id,
    });
    // The one place version-aware routing enters: the rules narrow which instances may be picked.
    const candidates = this.o.versions.forRequest(chooser, service, req.headers);
    new ProxiedRequest(this, req, res, exchange, service, chooser, candidates, match.upstreamPath, headers).next();
  };

  tooLarge(): HttpProblem {
    return new PayloadTooLarge(`The request body is larger than ${this.o.maxBodyBytes} bytes`);
  }

  finalProblem(service: string, failure: AttemptFailure): HttpProblem {
    if (failure === 'timeout')
      return new GatewayTimeout(`${service} did not answer within ${this.o.upstreamTimeoutMs} ms`);
    return new BadGateway(
      failure === 'connection' ? `${service} could not be reached` : `${service} gave no usable answer`,
    );
  }
}

/**
 * One request on its way through the gateway, and undici's handler for each of its attempts: the
 * low-level dispatch API hands the upstream's status, headers and body chunks straight to these
 * methods, which write them to the caller as they come. Against undici's `request` that saves, per
 * request, a promise, an AbortSignal listener and a body stream piped into the response.
 *
 * Attempts run one after another: `next` picks an instance and dispatches; a failure before the
 * response started (onResponseError) either tries the next instance or answers with a problem; once
 * the response started, the caller's response belongs to this attempt, and its end (or the
 * caller's going away) records it.
 */
class ProxiedRequest implements Dispatcher.DispatchHandler {
  private readonly o: ProxyOptions;
  /** The trace context of the caller's request: retries start from an undici callback, outside it. */
  private readonly traceParent: Context;
  /** Instances already tried and failed (connection errors), skipped by the next pick. */
  private tried: string[] | undefined;
  private attempts = 0;
  private readonly withBody: boolean;
  /** The caller went away: nothing left to answer. */
  private clientGone = false;

  // The attempt under way.
  private instance!: ServiceInstance;
  private body: ForwardedBody | undefined;
  private span: Span | undefined;
  private started = 0;
  private controller: Dispatcher.DispatchController | undefined;
  /** Set when the upstream's response has started: the caller's response is this attempt's now. */
  private status: number | undefined;
  /** Why the relayed response did not end well (the upstream broke off, the caller left). */
  private streamError: Error | undefined;
  private onDrain: (() => void) | undefined;

  constructor(
    private readonly proxy: Proxy,
    private readonly req: IncomingMessage,
    private readonly res: ServerResponse,
    private readonly exchange: FirstHandlerExchange,
    private readonly service: string,
    private readonly chooser: InstanceChooser,
    private readonly candidates: RequestChooser,
    private readonly upstreamPath: string,
    private readonly headers: HeaderMap,
  ) {
    this.o = proxy.o;
    this.withBody = hasBody(req);
    this.traceParent = context.active();
    res.once('close', this.onClientClose);
  }

  /** Dispatches the next attempt, or answers with a problem when no instance is left. */
  next(): void {
    const instance = this.candidates.pick(this.tried);
    if (instance === undefined) {
      this.exchange.fail(
        this.tried === undefined
          ? new ServiceUnavailable(this.candidates.unavailable)
          : new BadGateway(`${this.service} could not be reached (tried ${this.tried.length} instance(s))`),
      );
      return;
    }
    const { req } = this;
    this.attempts++;
    this.instance = instance;
    this.controller = undefined;
    this.body = this.withBody ? new ForwardedBody(req, this.o.maxBodyBytes) : undefined;
    this.started = performance.now();
    this.chooser.started(instance.id);
    const method = req.method ?? 'GET';
    this.span = startUpstreamSpan(this.traceParent, this.service, instance, method, this.upstreamPath, this.headers);
    this.o.dispatcher.dispatch(
      {
        origin: instanceOrigin(instance),
        path: this.upstreamPath,
        method: method as Dispatcher.HttpMethod,
        headers: this.headers,
        body: this.body,
        ...this.proxy.timeouts,
      },
      this,
    );
  }

  onRequestStart(controller: Dispatcher.DispatchController): void {
    this.controller = controller;
    if (this.clientGone) controller.abort(clientGoneError());
  }

  onResponseStart(
    _controller: Dispatcher.DispatchController,
    status: number,
    upstreamHeaders: IncomingHttpHeaders,
  ): void {
    // 1xx answers are the upstream's business with the gateway (100-continue); the caller gets the final one.
    if (status < 200) return;
    const headers = downstreamResponseHeaders(upstreamHeaders);
    headers[SERVED_BY_HEADER] = servedBy(this.instance);
    // A header Node refuses to send throws here: undici then reports it to onResponseError, and
    // with no status recorded yet the caller gets a 502 rather than a cut connection.
    this.res.writeHead(status, headers);
    this.status = status;
  }

  onResponseData(controller: Dispatcher.DispatchController, chunk: Buffer): void {
    if (this.res.write(chunk)) return;
    // The caller reads slower than the upstream sends: stop reading the upstream until it drains.
    controller.pause();
    this.onDrain ??= () => this.controller?.resume();
    this.res.once('drain', this.onDrain);
  }

  onResponseEnd(): void {
    this.res.end();
  }

  onResponseError(_controller: Dispatcher.DispatchController | undefined, error: Error): void {
    if (this.status !== undefined) {
      // The upstream broke off mid-response: the status line is out, so the caller's connection
      // is cut to tell it so (and onClientClose records the attempt).
      this.streamError ??= error;
      this.res.destroy(error);
      return;
    }
    this.failed(error);
  }

  /** The attempt ended without a response: record it, then retry elsewhere or answer with a problem. */
  private failed(error: Error): void {
    const { instance, body } = this;
    const bodyTooLarge = body?.tooLarge ?? false;
    const failure = this.clientGone ? 'aborted' : classifyAttemptError(error);
    endUpstreamSpan(this.span, { failure: bodyTooLarge ? BODY_TOO_LARGE : failure });
    const seconds = (performance.now() - this.started) / 1000;
    this.o.metrics.record(
      this.service,
      instanceVersion(instance),
      bodyTooLarge ? BODY_TOO_LARGE : failureMetric[failure],
      seconds,
    );
    this.chooser.finished(instance.id, this.clientGone || bodyTooLarge ? 'neutral' : outcomeOfFailure[failure]);
    if (this.clientGone) return; // nobody left to answer
    const { req, res } = this;
    if (bodyTooLarge) {
      if (!req.readableEnded) res.setHeader('connection', 'close');
      this.exchange.fail(this.proxy.tooLarge());
      return;
    }
    const bodyStarted = body?.started ?? false;
    if (
      failure === 'connection' &&
      this.attempts <= this.o.retryAttempts &&
      mayRetryElsewhere(req.method ?? '', req.headers, bodyStarted)
    ) {
      (this.tried ??= []).push(instance.id);
      this.o.log.debug(
        { requestId: this.exchange.id, service: this.service, instance: instance.id, err: error },
        'upstream connection failed, retrying on another instance',
      );
      this.next();
      return;
    }
    // Part of the body may still sit unread on the caller's socket: close it after the answer.
    if (bodyStarted && !req.readableEnded) res.setHeader('connection', 'close');
    this.exchange.fail(this.proxy.finalProblem(this.service, failure));
  }

  /** The caller's response closed: finished, or the caller went away first. */
  private readonly onClientClose = (): void => {
    const { res } = this;
    if (!res.writableFinished) {
      this.clientGone = true;
      // An attempt under way is abandoned (onResponseError then records it); one not yet started
      // is aborted as soon as it starts.
      this.controller?.abort(clientGoneError());
    }
    if (this.status !== undefined) this.relayed();
  };

  /** Records an attempt whose response was relayed (whole, or cut short by either side). */
  private relayed(): void {
    const { instance, status, streamError, clientGone } = this;
    const seconds = (performance.now() - this.started) / 1000;
    endUpstreamSpan(this.span, {
      status,
      failure: streamError && !clientGone ? 'response ended early' : undefined,
    });
    this.o.metrics.record(this.service, instanceVersion(instance), statusOutcome(status!), seconds);
    this.chooser.finished(instance.id, outcomeOfResponse(status!, streamError, clientGone));
    const { log } = this.o;
    const requestId = this.exchange.id;
    if (streamError && !clientGone) {
      log.warn(
        { requestId, service: this.service, instance: instance.id, status, err: streamError },
        'upstream response ended early',
      );
    } else if (log.isLevelEnabled('debug')) {
      log.debug(
        {
          requestId,
          service: this.service,
          instance: instance.id,
          version: instanceVersion(instance),
          status,
          attempts: this.attempts,
          durationMs: Math.round(seconds * 1e5) / 100,
          ...(clientGone && { aborted: true }),
        },
        'proxied',
      );
    }
  }
}

function clientGoneError(): Error {
  const error = new Error('the client closed the connection before the response ended');
  error.name = 'AbortError';
  return error;
}
