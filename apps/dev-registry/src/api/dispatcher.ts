import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Logger } from '@lab/common';
import { allowEverything, type AclTokens } from '../acl/acl-tokens';
import { requestToken } from './acl';
import { HttpError } from './http-error';
import { sendText } from './respond';
import { Router, type Method, type Route } from './router';

export interface DispatcherOptions {
  routes: readonly Route[];
  logger: Logger;
  /** When set, requests are authorized by their token (Consul's ACLs, default deny). */
  acl?: AclTokens;
}

const METHODS = new Set<string>(['GET', 'PUT', 'POST', 'DELETE']);

/** Turns a request into a route call: 404, 405, 403 and error answers are decided here. */
export function createDispatcher(options: DispatcherOptions): (req: IncomingMessage, res: ServerResponse) => void {
  const router = new Router(options.routes);
  const { logger } = options;

  const dispatch = async (
    req: IncomingMessage,
    res: ServerResponse,
    pathname: string,
    query: URLSearchParams,
  ): Promise<void> => {
    const match = router.match(pathname);
    if (!match) throw new HttpError(404, `Not found: ${pathname} is not an endpoint of this registry`);
    const method = req.method ?? 'GET';
    const handler = METHODS.has(method) ? match.route.methods[method as Method] : undefined;
    if (!handler) {
      throw new HttpError(405, `method ${method} not allowed`, { allow: Object.keys(match.route.methods).join(', ') });
    }
    const held = options.acl?.resolve(requestToken(req, query));
    // Consul's answer to a secret it does not know, whatever the route needs.
    if (options.acl && !held && !match.route.public) throw new HttpError(403, 'ACL not found');

    let param: string;
    try {
      param = decodeURIComponent(match.rawParam);
    } catch {
      throw new HttpError(400, 'Invalid URL: bad percent-encoding in the path');
    }
    const abort = new AbortController();
    res.once('close', () => {
      if (!res.writableFinished) abort.abort();
    });
    await handler({
      req,
      res,
      query,
      param,
      signal: abort.signal,
      acl: held?.authorizer ?? allowEverything,
      token: held?.info,
    });
  };

  return (req, res) => {
    const started = performance.now();
    const url = req.url ?? '/';
    const at = url.indexOf('?');
    const pathname = at < 0 ? url : url.slice(0, at);
    const query = new URLSearchParams(at < 0 ? '' : url.slice(at + 1));

    dispatch(req, res, pathname, query)
      .catch((error: unknown) => {
        if (res.headersSent) {
          res.destroy();
          return;
        }
        if (error instanceof HttpError) {
          sendText(res, error.status, error.message, error.headers);
          return;
        }
        logger.error({ method: req.method, path: pathname, err: (error as Error).message }, 'request failed');
        sendText(res, 500, 'Internal error');
      })
      .finally(() => {
        // Only the path: a query may carry an ACL token.
        logger.debug(
          { method: req.method, path: pathname, status: res.statusCode, ms: Math.round(performance.now() - started) },
          'request',
        );
      });
  };
}
