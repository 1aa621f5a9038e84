import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Authorizer, TokenInfo } from '../acl/acl-tokens';

export type Method = 'GET' | 'PUT' | 'POST' | 'DELETE';

export interface RequestContext {
  req: IncomingMessage;
  res: ServerResponse;
  query: URLSearchParams;
  /** The decoded rest of the path after a prefix route ('' for exact routes). */
  param: string;
  /** Aborts when the client disconnects before the answer is written. */
  signal: AbortSignal;
  /** What the request's token may do (everything when the registry runs without ACLs). */
  acl: Authorizer;
  /** The request's token, when the registry runs with ACLs. */
  token?: TokenInfo;
}

export type Handler = (ctx: RequestContext) => void | Promise<void>;

export interface Route {
  path: string;
  /** Match `path` + '/' + anything; the rest becomes `ctx.param`. */
  prefix?: boolean;
  /** Reachable without an ACL token (Consul's status endpoints). */
  public?: boolean;
  methods: Partial<Record<Method, Handler>>;
}

export interface RouteMatch {
  route: Route;
  /** The raw (still percent-encoded) rest of the path. */
  rawParam: string;
}

/** Exact paths first, then the longest matching prefix, so /deregister/ wins over /:id. */
export class Router {
  private readonly exact = new Map<string, Route>();
  private readonly prefixes: Route[];

  constructor(routes: readonly Route[]) {
    for (const route of routes) if (!route.prefix) this.exact.set(route.path, route);
    this.prefixes = routes.filter((r) => r.prefix).sort((a, b) => b.path.length - a.path.length);
  }

  match(pathname: string): RouteMatch | undefined {
    const exact = this.exact.get(pathname);
    if (exact) return { route: exact, rawParam: '' };
    for (const route of this.prefixes) {
      if (pathname.startsWith(`${route.path}/`)) return { route, rawParam: pathname.slice(route.path.length + 1) };
    }
    return undefined;
  }
}
