import { waitForIndex } from '../../blocking/blocking-query';
import type { ChangeFeed } from '../../state/change-feed';
import { blockingParams } from '../query';
import { sendJson, setQueryMeta } from '../respond';
import type { RequestContext } from '../router';

/** Answers JSON, pretty-printed when the client asked with Consul's `?pretty`. */
export function json(ctx: RequestContext, body: unknown): void {
  sendJson(ctx.res, body, { pretty: ctx.query.has('pretty') });
}

/**
 * The blocking part of a read: validates `index`/`wait`, waits until `currentIndex()` passes the
 * client's index (or the wait ends), then sets the query headers from the index at answer time.
 * Returns false when the client left meanwhile, in which case nothing must be written.
 */
export async function blockingRead(ctx: RequestContext, feed: ChangeFeed, currentIndex: () => number): Promise<boolean> {
  const params = blockingParams(ctx.query);
  await waitForIndex(feed, currentIndex, params, ctx.signal);
  if (ctx.signal.aborted) return false;
  setQueryMeta(ctx.res, currentIndex());
  return true;
}
