import { propagation, SpanKind, SpanStatusCode, trace, type Context, type Span } from '@opentelemetry/api';
import type { ServiceInstance } from '@lab/discovery';
import type { HeaderMap } from './forwarded-headers';

const tracer = trace.getTracer('@lab/gateway');

/**
 * One span per upstream attempt, a child of the request's server span, naming the instance it went
 * to; the traceparent sent upstream names it, so the service's spans hang under this attempt.
 * Returns undefined, having done nothing else, when the request is not traced (tracing off): the
 * incoming traceparent, if any, then travels upstream untouched with the other headers. `parent`
 * is the caller's request context, taken when it arrived: a retry starts from an undici callback,
 * outside that context.
 */
export function startUpstreamSpan(
  parent: Context,
  service: string,
  instance: ServiceInstance,
  method: string,
  path: string,
  headers: HeaderMap,
): Span | undefined {
  if (trace.getSpan(parent) === undefined) return undefined;
  const span = tracer.startSpan(
    `${method} ${service}`,
    {
      kind: SpanKind.CLIENT,
      attributes: {
        'http.request.method': method,
        'url.path': path,
        'server.address': instance.address,
        'server.port': instance.port,
        'peer.service': service,
        'service.instance.id': instance.id,
      },
    },
    parent,
  );
  const carrier: Record<string, string> = {};
  propagation.inject(trace.setSpan(parent, span), carrier);
  Object.assign(headers, carrier);
  return span;
}

/** Ends an attempt's span: with the status the upstream answered, or as an error naming the failure. */
export function endUpstreamSpan(span: Span | undefined, outcome: { status?: number; failure?: string }): void {
  if (span === undefined) return;
  if (outcome.status !== undefined) span.setAttribute('http.response.status_code', outcome.status);
  if (outcome.failure !== undefined || (outcome.status ?? 0) >= 500) {
    span.setStatus({ code: SpanStatusCode.ERROR, message: outcome.failure ?? `answered ${outcome.status}` });
    if (outcome.failure !== undefined) span.setAttribute('error.type', outcome.failure);
  }
  span.end();
}
