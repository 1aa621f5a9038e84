import { registerInstrumentations } from '@opentelemetry/instrumentation';
import { ExpressInstrumentation, ExpressLayerType } from '@opentelemetry/instrumentation-express';
import { HttpInstrumentation } from '@opentelemetry/instrumentation-http';
import { PgInstrumentation } from '@opentelemetry/instrumentation-pg';

/** Probes and scrapes arrive every few seconds from the registry and Prometheus: no trace of their own. */
const UNTRACED_PATHS = /^\/(?:metrics|health(?:\/|$))/;

/**
 * Patches http, express and pg as they are required from now on. Only instrument.ts loads this
 * file, and only when tracing is on, so a process that does not trace neither loads the
 * instrumentations nor runs patched code.
 */
export function registerTracingInstrumentations(): void {
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
}
