import {
  context,
  isSpanContextValid,
  propagation,
  SpanKind,
  SpanStatusCode,
  trace,
  type Span,
} from '@opentelemetry/api';
import type { Dispatcher } from 'undici';
import type { WatchedInstanceCache } from '../cache/watched-instance-cache';
import type { AttemptOutcome, InstanceSelector } from './instance-selector';
import { instanceOrigin } from './instance-origin';
import { NoHealthyInstanceError, UpstreamConnectionError, UpstreamStatusError } from '../errors';
import { describeError, errorMessage, type Logger, parseRetryAfter } from '@lab/common';
import type {
  CallPolicyLike,
  ServiceCallOptions,
  ServiceInstance,
  ServiceRequestOptions,
  ServiceResponse,
} from '../types';

export interface ServiceClientOptions {
  service: string;
  cache: WatchedInstanceCache;
  /** Chooses the instance per attempt and hears how each attempt went. */
  selector: InstanceSelector;
  /** The connection pool shared by every client of a directory. */
  dispatcher: Dispatcher;
  policy?: CallPolicyLike;
  outboundHeaders?: () => Record<string, string>;
  /** Headers proving who calls (a service token); awaited once per call. Headers the call sets win. */
  credentials?: () => Promise<Record<string, string>>;
  /** Deadline per call when there is no policy, and the longest wait for the first registry answer. */
  timeoutMs: number;
  logger: Logger;
}

const IDEMPOTENT_METHODS = new Set(['GET', 'HEAD', 'PUT', 'DELETE']);
const ACCEPT_JSON: Record<string, string> = Object.freeze({ accept: 'application/json' });

/** A no-op until a tracer provider is installed (service-kit does when tracing is on). */
const tracer = trace.getTracer('@lab/discovery');
const CLIENT_SPAN = { kind: SpanKind.CLIENT } as const;

/**
 * Calls one service by name. Each attempt asks the selector for an instance (healthy, not ejected,
 * chosen by the balancer), passing over those this call already tried, so a policy's retry lands
 * on another instance. 2xx-4xx answers are returned; 5xx answers and failures to get an answer are
 * thrown, for the policy's breaker and retry to see, and reported to the outlier detector.
 */
export class ServiceClient {
  private firstAnswer: Promise<void> | undefined;
  private readonly spanNames = new Map<string, string>();

  constructor(private readonly o: ServiceClientOptions) {}

  get service(): string {
    return this.o.service;
  }

  /**
   * One call. Without credentials to fetch or a first registry answer to wait for, no promise is
   * made here: the call is the policy's (or the attempt's) promise itself.
   */
  request<T = unknown>(options: ServiceRequestOptions): Promise<ServiceResponse<T>> {
    if (!options.path.startsWith('/')) {
      return Promise.reject(new TypeError(`path must start with "/": ${options.path}`));
    }
    const method = options.method.toUpperCase();
    const request = method === options.method ? options : { ...options, method };
    if (this.o.credentials !== undefined || !this.o.cache.loaded) return this.prepared<T>(request);
    return this.guarded<T>(request);
  }

  get<T = unknown>(path: string, o?: ServiceCallOptions): Promise<ServiceResponse<T>> {
    return this.request<T>(o === undefined ? { method: 'GET', path } : { ...o, method: 'GET', path });
  }

  post<T = unknown>(path: string, body: unknown, o?: ServiceCallOptions): Promise<ServiceResponse<T>> {
    return this.request<T>({ ...o, method: 'POST', path, body });
  }

  put<T = unknown>(path: string, body: unknown, o?: ServiceCallOptions): Promise<ServiceResponse<T>> {
    return this.request<T>({ ...o, method: 'PUT', path, body });
  }

  delete<T = unknown>(path: string, o?: ServiceCallOptions): Promise<ServiceResponse<T>> {
    return this.request<T>(o === undefined ? { method: 'DELETE', path } : { ...o, method: 'DELETE', path });
  }

  /** The slow start of a call: its credentials, and the first registry answer right after start-up. */
  private async prepared<T>(options: ServiceRequestOptions): Promise<ServiceResponse<T>> {
    const { cache, credentials, timeoutMs } = this.o;
    let request = options;
    if (credentials !== undefined) request = { ...request, headers: { ...(await credentials()), ...request.headers } };
    if (!cache.loaded) {
      // Calls made right at start-up may come before the watch's first answer: they share one wait
      // of up to timeoutMs. After that wait, calls pick from whatever is known without waiting.
      this.firstAnswer ??= cache.ready(timeoutMs).catch(() => undefined);
      await this.firstAnswer;
    }
    return this.guarded<T>(request);
  }

  /** The call under its policy, or under the plain deadline when there is none. */
  private guarded<T>(request: ServiceRequestOptions): Promise<ServiceResponse<T>> {
    const { policy } = this.o;
    if (policy === undefined) {
      // Not AbortSignal.timeout: its timer outlives the call by up to timeoutMs, so at thousands of
      // calls a second thousands of timers pile up; this one is cleared when the attempt ends.
      const deadline = new AbortController();
      const timer = setTimeout(abortForTimeout, this.o.timeoutMs, deadline);
      return this.attempt<T>(request, deadline.signal, undefined, timer);
    }
    const idempotent = request.idempotent ?? IDEMPOTENT_METHODS.has(request.method);
    // Ids of instances that failed this call, filled only when an attempt fails.
    const tried: string[] = [];
    return policy.execute((signal) => this.attempt<T>(request, signal, tried), { idempotent });
  }

  /**
   * One attempt on one instance: chosen by the selector, which hears how it went. The timer of a
   * call without a policy (`deadline`) is cleared when the attempt ends.
   */
  private async attempt<T>(
    request: ServiceRequestOptions,
    signal: AbortSignal,
    tried: string[] | undefined,
    deadline?: NodeJS.Timeout,
  ): Promise<ServiceResponse<T>> {
    const { service, selector } = this.o;
    // Every instance tried already (more attempts than instances): start over rather than give up.
    const instance = selector.pick(tried) ?? (tried?.length ? selector.pick() : undefined);
    if (instance === undefined) {
      clearTimeout(deadline);
      throw new NoHealthyInstanceError(service);
    }

    selector.started(instance.id);
    // Each attempt is a span of its own, naming the instance it went to; the callee's spans hang under
    // it. With tracing off the span is a shared no-op: its attributes are not even built.
    const span = tracer.startSpan(this.spanName(request.method), CLIENT_SPAN);
    if (span.isRecording()) describeAttempt(span, service, request, instance, tried);
    let outcome: AttemptOutcome = 'neutral';
    try {
      let response: Dispatcher.ResponseData;
      let text: string;
      try {
        response = await this.o.dispatcher.request({
          origin: instanceOrigin(instance),
          path: request.path,
          method: request.method as Dispatcher.HttpMethod,
          headers: this.headersFor(request, span),
          body: request.body === undefined ? undefined : JSON.stringify(request.body),
          signal,
        });
        text = await response.body.text();
      } catch (error) {
        const detail = signal.aborted ? abortDetail(signal) : describeError(error);
        this.o.logger.debug({ service, instance: instance.id, err: detail }, 'upstream call failed');
        throw new UpstreamConnectionError(service, detail, instance.id, { cause: error });
      }
      const { statusCode, headers } = response;
      const body = parseBody(text, headers['content-type']);
      if (statusCode >= 500) {
        this.o.logger.debug({ service, instance: instance.id, status: statusCode }, 'upstream answered 5xx');
        throw new UpstreamStatusError(service, statusCode, body, instance.id, parseRetryAfter(headers['retry-after']));
      }
      span.setAttribute('http.response.status_code', statusCode);
      outcome = 'success';
      return { status: statusCode, headers: flattenHeaders(headers), body: body as T };
    } catch (error) {
      outcome = outcomeOf(error, signal);
      tried?.push(instance.id);
      markFailed(span, error);
      throw error;
    } finally {
      clearTimeout(deadline);
      span.end();
      selector.finished(instance.id, outcome);
    }
  }

  private headersFor(request: ServiceRequestOptions, span: Span): Record<string, string> {
    const { outboundHeaders } = this.o;
    // A span context worth passing on exists only while tracing is on (or a caller's trace runs).
    const traced = isSpanContextValid(span.spanContext());
    // The common call adds nothing: one shared object, which undici only reads.
    if (outboundHeaders === undefined && request.headers === undefined && request.body === undefined && !traced) {
      return ACCEPT_JSON;
    }
    const headers: Record<string, string> = { accept: 'application/json' };
    if (outboundHeaders !== undefined) Object.assign(headers, outboundHeaders());
    if (request.headers !== undefined) Object.assign(headers, request.headers);
    if (request.body !== undefined) headers['content-type'] = 'application/json';
    // traceparent naming this attempt's span.
    if (traced) propagation.inject(trace.setSpan(context.active(), span), headers);
    return headers;
  }

  /** `GET product-service`: one string per method, not one per call. */
  private spanName(method: string): string {
    let name = this.spanNames.get(method);
    if (name === undefined) {
      name = `${method} ${this.o.service}`;
      this.spanNames.set(method, name);
    }
    return name;
  }
}

/**
 * A 5xx or no answer in time counts against the instance; a call cancelled by our side for any
 * other reason (the caller went away, a bulkhead) says nothing about it.
 */
function outcomeOf(error: unknown, signal: AbortSignal): AttemptOutcome {
  if (error instanceof UpstreamStatusError) return 'failure';
  if (!(error instanceof UpstreamConnectionError)) return 'neutral';
  if (!signal.aborted) return 'failure';
  return (signal.reason as { name?: unknown } | undefined)?.name === 'TimeoutError' ? 'failure' : 'neutral';
}

/** What a recording span says about its attempt. */
function describeAttempt(
  span: Span,
  service: string,
  request: ServiceRequestOptions,
  instance: ServiceInstance,
  tried: string[] | undefined,
): void {
  span.setAttributes({
    'http.request.method': request.method,
    'url.path': request.path,
    'server.address': instance.address,
    'server.port': instance.port,
    'peer.service': service,
    'service.instance.id': instance.id,
    ...(tried?.length && { 'http.request.resend_count': tried.length }),
  });
}

/** An attempt that failed shows as an error span with the failure's name and message. */
function markFailed(span: Span, error: unknown): void {
  if (!span.isRecording()) return;
  if (error instanceof UpstreamStatusError) span.setAttribute('http.response.status_code', error.status);
  span.setAttribute('error.type', error instanceof Error ? error.name : 'Error');
  span.setStatus({ code: SpanStatusCode.ERROR, message: errorMessage(error) });
}

function parseBody(text: string, contentType: string | string[] | undefined): unknown {
  if (text.length === 0) return undefined;
  const type = Array.isArray(contentType) ? contentType[0] : contentType;
  if (type === undefined || type.includes('json')) {
    try {
      return JSON.parse(text);
    } catch {
      // A body that claims to be JSON and is not is still worth showing to the caller as text.
    }
  }
  return text;
}

function flattenHeaders(headers: Dispatcher.ResponseData['headers']): Record<string, string> {
  // undici gives repeated headers as arrays; without any (the usual answer) its object is already flat.
  let repeated = false;
  for (const name in headers) {
    if (typeof headers[name] !== 'string') {
      repeated = true;
      break;
    }
  }
  if (!repeated) return headers as Record<string, string>;
  const flat: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value !== undefined) flat[name] = Array.isArray(value) ? value.join(', ') : value;
  }
  return flat;
}

/** Aborts as AbortSignal.timeout does, with a TimeoutError, which outcomeOf and abortDetail read. */
function abortForTimeout(deadline: AbortController): void {
  deadline.abort(new DOMException('The operation was aborted due to timeout', 'TimeoutError'));
}

function abortDetail(signal: AbortSignal): string {
  const reason: unknown = signal.reason;
  const name = (reason as { name?: unknown } | undefined)?.name;
  return name === 'TimeoutError' ? 'timed out' : `aborted (${errorMessage(reason)})`;
}
