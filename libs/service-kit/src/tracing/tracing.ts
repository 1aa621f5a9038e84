import type { TracerProvider } from '@opentelemetry/sdk-trace';
import type { Logger } from 'pino';
import type * as TracerProviderModule from './tracer-provider';
import type { TracingSettings } from './tracing-settings';

export interface Tracing {
  /** Sends the spans still buffered and stops exporting: the last step of shutdown. */
  shutdown(): Promise<void>;
}

const notTracing: Tracing = { shutdown: async () => undefined };

/** One provider per process: a second service started in the same process shares the first's. */
let installed: TracerProvider | undefined;

/**
 * Installs the process's tracer provider (see tracer-provider.ts). Without settings (tracing off)
 * nothing is installed, the API stays a no-op, and the SDK is never loaded: what tracing costs when
 * it is off must not show.
 */
export function startTracing(
  settings: TracingSettings | undefined,
  o: { service: string; instanceId: string; version: string; log: Logger },
): Tracing {
  if (settings === undefined || installed !== undefined) return notTracing;
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- the SDK loads only when tracing is on; import() would make the start async
  const { installTracerProvider } = require('./tracer-provider') as typeof TracerProviderModule;
  const provider = installTracerProvider(settings, o);
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
