import { context, propagation, trace } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { resourceFromAttributes } from '@opentelemetry/resources';
import {
  BatchSpanProcessor,
  ConsoleSpanExporter,
  SimpleSpanProcessor,
  TracerProvider,
  type SpanProcessor,
} from '@opentelemetry/sdk-trace';
import { ATTR_SERVICE_INSTANCE_ID, ATTR_SERVICE_NAME, ATTR_SERVICE_VERSION } from '@opentelemetry/semantic-conventions';
import type { TracingSettings } from './tracing-settings';

/**
 * The OpenTelemetry SDK as this process's tracer provider: W3C trace context in and out, the active
 * span carried through async work, spans exported as the settings say (OTLP/HTTP in batches, or the
 * console). Only tracing.ts loads this file, and only when tracing is on: the SDK and the exporter
 * (with its serializers) are thousands of objects a process that does not trace never uses.
 */
export function installTracerProvider(
  settings: TracingSettings,
  o: { service: string; instanceId: string; version: string },
): TracerProvider {
  const processor: SpanProcessor =
    settings.exporter === 'console'
      ? new SimpleSpanProcessor({ exporter: new ConsoleSpanExporter() })
      : new BatchSpanProcessor({ exporter: new OTLPTraceExporter({ url: settings.url }), scheduledDelayMillis: 1000 });
  const provider = new TracerProvider({
    resource: resourceFromAttributes({
      [ATTR_SERVICE_NAME]: o.service,
      [ATTR_SERVICE_INSTANCE_ID]: o.instanceId,
      [ATTR_SERVICE_VERSION]: o.version,
    }),
    spanProcessors: [processor],
  });
  context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
  propagation.setGlobalPropagator(new W3CTraceContextPropagator());
  trace.setGlobalTracerProvider(provider);
  return provider;
}
