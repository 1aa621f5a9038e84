import type { Request, Response } from 'express';

export const UNMATCHED_ROUTE = 'unmatched';

// route objects live as long as the app; one small map per route keyed by mount path keeps the
// label strings cached, so a request allocates none.
const labels = new WeakMap<object, Map<string, string>>();

/**
 * The route template a request matched (`/products/:id`, mount path included), for metrics and
 * logs. Unmatched requests share one label so cardinality stays bounded. A handler mounted with
 * app.use (no route) may name itself by setting `res.locals.route`.
 */
export function routeLabel(req: Request, res: Response): string {
  const route = req.route as { path?: unknown } | undefined;
  if (route === undefined) {
    const named = res.locals.route;
    return typeof named === 'string' ? named : UNMATCHED_ROUTE;
  }
  let byBase = labels.get(route);
  if (byBase === undefined) {
    byBase = new Map();
    labels.set(route, byBase);
  }
  const base = req.baseUrl;
  let label = byBase.get(base);
  if (label === undefined) {
    label = base + String(route.path);
    byBase.set(base, label);
  }
  return label;
}
