import { badRequest } from '../http-error';
import { booleanParam } from '../query';
import { renderCheck, renderHealthEntry } from '../render';
import type { RequestContext, Route } from '../router';
import { hasAllTags } from './catalog-routes';
import type { ApiDeps } from './deps';
import { blockingRead, filterParam, json, readable } from './helpers';

const STATES = ['any', 'passing', 'warning', 'critical'];

export function healthRoutes({ store, feed }: ApiDeps): Route[] {
  const mayReadCheck = (ctx: RequestContext) => (check: { ServiceName: string; Node: string }) =>
    check.ServiceName === ''
      ? ctx.acl.allows('node', check.Node, 'read')
      : ctx.acl.allows('service', check.ServiceName, 'read');
  return [
    {
      path: '/v1/health/service',
      prefix: true,
      methods: {
        GET: async (ctx) => {
          const name = ctx.param;
          const passingOnly = booleanParam(ctx.query, 'passing');
          const tags = ctx.query.getAll('tag');
          const filter = filterParam(ctx);
          if (!(await blockingRead(ctx, feed, () => store.serviceNameIndex(name)))) return;
          const entries = readable(ctx, store.instancesOf(name), (s) => ctx.acl.allows('service', s.name, 'read'))
            .filter((s) => hasAllTags(s.tags, tags))
            .map((s) => renderHealthEntry(s, store))
            // `passing` drops an instance when any check covering it (node checks included) is
            // not passing; a warning counts as not passing, as in Consul.
            .filter((entry) => !passingOnly || entry.Checks.every((c) => c.Status === 'passing'))
            .filter(filter);
          json(ctx, entries);
        },
      },
    },
    {
      path: '/v1/health/checks',
      prefix: true,
      methods: {
        GET: async (ctx) => {
          const filter = filterParam(ctx);
          if (!(await blockingRead(ctx, feed, () => store.serviceNameIndex(ctx.param)))) return;
          const checks = store.instancesOf(ctx.param).flatMap((s) => store.checksOfService(s.id));
          const rendered = checks.map((c) => renderCheck(c, store));
          json(ctx, readable(ctx, rendered, mayReadCheck(ctx)).filter(filter));
        },
      },
    },
    {
      path: '/v1/health/state',
      prefix: true,
      methods: {
        GET: async (ctx) => {
          const state = ctx.param;
          if (!STATES.includes(state))
            throw badRequest(`Invalid state "${state}": use any, passing, warning or critical`);
          const filter = filterParam(ctx);
          if (!(await blockingRead(ctx, feed, () => store.checksTableIndex))) return;
          const checks = store.allChecks().filter((c) => state === 'any' || c.status === state);
          const rendered = checks.map((c) => renderCheck(c, store));
          json(ctx, readable(ctx, rendered, mayReadCheck(ctx)).filter(filter));
        },
      },
    },
    {
      path: '/v1/health/node',
      prefix: true,
      methods: {
        GET: async (ctx) => {
          const filter = filterParam(ctx);
          if (!(await blockingRead(ctx, feed, () => store.checksTableIndex))) return;
          const checks = ctx.param === store.node.name ? store.allChecks() : [];
          const rendered = checks.map((c) => renderCheck(c, store));
          json(ctx, readable(ctx, rendered, mayReadCheck(ctx)).filter(filter));
        },
      },
    },
  ];
}
