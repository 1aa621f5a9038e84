import { HttpError } from '../http-error';
import type { Route } from '../router';
import { json } from './helpers';

/** GET /v1/acl/token/self: which token the request carries, as Consul answers (tools check their token here). */
export function aclRoutes(): Route[] {
  return [
    {
      path: '/v1/acl/token/self',
      methods: {
        GET: (ctx) => {
          if (!ctx.token) throw new HttpError(401, 'ACL support disabled');
          json(ctx, ctx.token);
        },
      },
    },
  ];
}
