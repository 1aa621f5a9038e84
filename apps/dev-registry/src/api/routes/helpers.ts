import { waitForIndex } from '../../blocking/blocking-query';
import type { ChangeFeed } from '../../state/change-feed';
import { compileFilter, FilterSyntaxError, type FilterPredicate } from '../filter/filter-expression';
import { badRequest } from '../http-error';
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
export async function blockingRead(
  ctx: RequestContext,
  feed: ChangeFeed,
  currentIndex: () => number,
): Promise<boolean> {
  const params = blockingParams(ctx.query);
  await waitForIndex(feed, currentIndex, params, ctx.signal);
  if (ctx.signal.aborted) return false;
  setQueryMeta(ctx.res, currentIndex());
  return true;
}

/** The `?filter=` expression compiled, or a predicate that keeps everything; 400 when it does not parse. */
export function filterParam(ctx: RequestContext): FilterPredicate {
  const source = ctx.query.get('filter');
  if (source === null || source.trim() === '') return () => true;
  try {
    return compileFilter(source);
  } catch (error) {
    if (error instanceof FilterSyntaxError) throw badRequest(`filter: ${error.message}`);
    throw error;
  }
}

/**
 * The items the request's token may read. When some were left out, Consul says so with
 * X-Consul-Results-Filtered-By-ACLs, so a client can tell "nothing there" from "nothing for you".
 */
export function readable<T>(ctx: RequestContext, items: readonly T[], mayRead: (item: T) => boolean): T[] {
  const kept = items.filter(mayRead);
  if (kept.length < items.length) ctx.res.setHeader('x-consul-results-filtered-by-acls', 'true');
  return kept;
}
