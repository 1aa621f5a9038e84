import { AsyncLocalStorage } from 'node:async_hooks';

/** What the code running on behalf of one request can find without being passed `req`. */
export interface RequestContext {
  readonly requestId: string;
  /** Headers to forward on outbound calls; built on first use, then reused for the request. */
  outboundHeaders?: Record<string, string>;
}

const storage = new AsyncLocalStorage<RequestContext>();

export function runWithRequestContext<T>(context: RequestContext, fn: () => T): T {
  return storage.run(context, fn);
}

export function currentRequestContext(): RequestContext | undefined {
  return storage.getStore();
}

/** The id of the request being served, or undefined outside a request (start-up, timers). */
export function currentRequestId(): string | undefined {
  return storage.getStore()?.requestId;
}

const noHeaders: Record<string, string> = Object.freeze({}) as Record<string, string>;

/** Headers every outbound call made while serving a request carries (x-request-id). */
export function outboundRequestHeaders(): Record<string, string> {
  const context = storage.getStore();
  if (!context) return noHeaders;
  return (context.outboundHeaders ??= { 'x-request-id': context.requestId });
}
