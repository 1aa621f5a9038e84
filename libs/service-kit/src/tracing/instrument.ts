import { registerInstrumentations } from '@opentelemetry/instrumentation';
import { ExpressInstrumentation, ExpressLayerType } from '@opentelemetry/instrumentation-express';
import { HttpInstrumentation } from '@opentelemetry/instrumentation-http';
import { PgInstrumentation } from '@opentelemetry/instrumentation-pg';
import { tracingSettings } from './tracing-settings';

/** Probes and scrapes arrive every few seconds from the registry and Prometheus: no trace of their own. */
const UNTRACED_PATHS = /^\/(?:metrics|health(?:\/|$))/;

/**
 * Loaded by the kit's index before anything else it imports: instrumentation patches http, express
 * and pg as they are required, so it must be in place first. Only when tracing is on, so a process
 * that does not trace runs unpatched code. Spans go to whatever tracer provider startTracing()
 * installs later (the API's global provider delegates to it).
 */
export const instrumented: boolean = instrumentWhenTracing();

function instrumentWhenTracing(): boolean {
  if (tracingSettings(process.env) === undefined) return false;
  registerInstrumentations({
    instrumentations: [
      new HttpInstrumentation({
        ignoreIncomingRequestHook: (req) => UNTRACED_PATHS.test(req.url ?? ''),
        // Outbound calls between services are traced by the service client, one span per attempt.
        requireParentforOutgoingSpans: true,
      }),
      // Route handlers only: a span for every middleware of every request says little and costs much.
      new ExpressInstrumentation({ ignoreLayersType: [ExpressLayerType.MIDDLEWARE] }),
      new PgInstrumentation({ requireParentSpan: true }),
    ],
  });
  return true;
}
