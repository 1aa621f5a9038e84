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
import type { Logger } from 'pino';
import type { TracingSettings } from './tracing-settings';

export interface Tracing {
  /** Sends the spans still buffered and stops exporting: the last step of shutdown. */
  shutdown(): Promise<void>;
}

const notTracing: Tracing = { shutdown: async () => undefined };

/** One provider per process: a second service started in the same process shares the first's. */
let installed: TracerProvider | undefined;

/**
 * Installs the process's tracer provider: W3C trace context in and out, the active span carried
 * through async work, spans exported as the settings say (OTLP/HTTP in batches, or the console).
 * Without settings (tracing off) nothing is installed and the API stays a no-op.
 */
export function startTracing(
  settings: TracingSettings | undefined,
  o: { service: string; instanceId: string; version: string; log: Logger },
): Tracing {
  if (settings === undefined || installed !== undefined) return notTracing;
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
  installed = provider;
  o.log.info({ exporter: settings.exporter, url: settings.url }, 'tracing on');
  return {
    async shutdown() {
      try {
        await provider.shutdown();
      } catch (error) {
        o.log.warn({ err: error }, 'tracing: the last spans could not be exported');
      }
    },
  };
}
