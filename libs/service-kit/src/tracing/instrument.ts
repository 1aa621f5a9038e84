import type * as InstrumentationsModule from './instrumentations';
import { tracingSettings } from './tracing-settings';

/**
 * Loaded by the kit's index before anything else it imports: instrumentation patches http, express
 * and pg as they are required, so it must be in place first. Only when tracing is on, so a process
 * that does not trace runs unpatched code and never loads the instrumentations. Spans go to
 * whatever tracer provider startTracing() installs later (the API's global provider delegates to it).
 */
export const instrumented: boolean = instrumentWhenTracing();

function instrumentWhenTracing(): boolean {
  if (tracingSettings(process.env) === undefined) return false;
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- synchronous, so the patches are in place before the index's next import
  const { registerTracingInstrumentations } = require('./instrumentations') as typeof InstrumentationsModule;
  registerTracingInstrumentations();
  return true;
}
