import { permissionDenied, requireAccess } from '../acl';
import { badRequest } from '../http-error';
import { hasFlag, uintParam } from '../query';
import { renderKv } from '../render';
import { readBody } from '../request-body';
import { sendEmpty } from '../respond';
import type { RequestContext, Route } from '../router';
import type { ApiDeps } from './deps';
import { blockingRead, json, readable } from './helpers';

/** Consul's default kv_max_value_size. */
export const KV_MAX_VALUE_BYTES = 512 * 1024;

const missingKey = () => badRequest('Missing key name');

export function kvRoutes({ kv, feed }: ApiDeps): Route[] {
  const get = async (ctx: RequestContext): Promise<void> => {
    const key = ctx.param;
    if (hasFlag(ctx.query, 'keys')) {
      const separator = ctx.query.get('separator') ?? undefined;
      // As Consul without enable_key_list_policy: what the token may not read is left out.
      if (!(await blockingRead(ctx, feed, () => kv.prefixIndex(key)))) return;
      const keys = readable(ctx, kv.keys(key, separator), (k) => ctx.acl.allows('key', k, 'read'));
      // Listing the root is never "not found"; an empty prefix listing is.
      if (keys.length === 0 && key !== '') return sendEmpty(ctx.res, 404);
      return json(ctx, keys);
    }
    if (hasFlag(ctx.query, 'recurse')) {
      if (!(await blockingRead(ctx, feed, () => kv.prefixIndex(key)))) return;
      const entries = readable(ctx, kv.list(key), (e) => ctx.acl.allows('key', e.key, 'read'));
      if (entries.length === 0) return sendEmpty(ctx.res, 404);
      return json(ctx, entries.map(renderKv));
    }
    if (key === '') throw missingKey();
    requireAccess(ctx.acl, 'key', key, 'read');
    if (!(await blockingRead(ctx, feed, () => kv.keyIndex(key)))) return;
    const entry = kv.get(key);
    if (!entry) return sendEmpty(ctx.res, 404);
    if (hasFlag(ctx.query, 'raw')) {
      ctx.res.writeHead(200, {
        'content-type': 'application/octet-stream',
        'content-length': entry.value.length,
        'x-content-type-options': 'nosniff',
      });
      ctx.res.end(entry.value);
      return;
    }
    json(ctx, [renderKv(entry)]);
  };

  const put = async (ctx: RequestContext): Promise<void> => {
    const key = ctx.param;
    if (key === '') throw missingKey();
    requireAccess(ctx.acl, 'key', key, 'write');
    const cas = uintParam(ctx.query, 'cas');
    const flags = uintParam(ctx.query, 'flags') ?? 0;
    if (ctx.query.has('acquire') || ctx.query.has('release')) {
      throw badRequest('acquire/release: sessions are not supported by dev-registry');
    }
    const value = await readBody(ctx.req, KV_MAX_VALUE_BYTES);
    json(ctx, kv.put(key, value, flags, cas));
  };

  const remove = (ctx: RequestContext): void => {
    const key = ctx.param;
    const cas = uintParam(ctx.query, 'cas');
    if (hasFlag(ctx.query, 'recurse')) {
      if (cas !== undefined) throw badRequest('cas: cannot be combined with recurse');
      if (!ctx.acl.allowsAllUnder('key', key, 'write')) throw permissionDenied();
      kv.deleteTree(key);
      return json(ctx, true);
    }
    if (key === '') throw missingKey();
    requireAccess(ctx.acl, 'key', key, 'write');
    json(ctx, kv.delete(key, cas));
  };

  return [{ path: '/v1/kv', prefix: true, methods: { GET: get, PUT: put, DELETE: remove } }];
}
