import { renderCatalogService, renderNode } from '../render';
import type { Route } from '../router';
import type { ApiDeps } from './deps';
import { blockingRead, filterParam, json, readable } from './helpers';

/** Instances carrying every one of `tags` (Consul ANDs repeated `tag` parameters). */
export function hasAllTags(serviceTags: readonly string[], tags: readonly string[]): boolean {
  return tags.every((t) => serviceTags.includes(t));
}

export function catalogRoutes({ store, feed }: ApiDeps): Route[] {
  return [
    {
      path: '/v1/catalog/services',
      methods: {
        GET: async (ctx) => {
          if (!(await blockingRead(ctx, feed, () => store.servicesTableIndex))) return;
          const byName: Record<string, string[]> = {};
          for (const service of readable(ctx, store.allServices(), (s) => ctx.acl.allows('service', s.name, 'read'))) {
            const tags = (byName[service.name] ??= []);
            for (const tag of service.tags) if (!tags.includes(tag)) tags.push(tag);
          }
          json(ctx, byName);
        },
      },
    },
    {
      path: '/v1/catalog/service',
      prefix: true,
      methods: {
        GET: async (ctx) => {
          const tags = ctx.query.getAll('tag');
          const filter = filterParam(ctx);
          if (!(await blockingRead(ctx, feed, () => store.serviceNameIndex(ctx.param)))) return;
          const rows = readable(ctx, store.instancesOf(ctx.param), (s) => ctx.acl.allows('service', s.name, 'read'))
            .filter((s) => hasAllTags(s.tags, tags))
            .map((s) => renderCatalogService(store.node, s))
            .filter(filter);
          json(ctx, rows);
        },
      },
    },
    {
      path: '/v1/catalog/nodes',
      methods: {
        GET: async (ctx) => {
          if (!(await blockingRead(ctx, feed, () => store.node.modifyIndex))) return;
          json(
            ctx,
            readable(ctx, [renderNode(store.node)], (n) => ctx.acl.allows('node', n.Node, 'read')),
          );
        },
      },
    },
    {
      path: '/v1/catalog/datacenters',
      methods: { GET: (ctx) => json(ctx, [store.node.datacenter]) },
    },
  ];
}
