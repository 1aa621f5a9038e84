import type { CatalogStore } from '../../state/catalog-store';
import type { CheckRecord, ServiceRecord } from '../../state/types';
import type { Authorizer } from '../../acl/acl-tokens';
import type { Route } from '../router';
import type { ApiDeps } from './deps';

/** A one-page, self-refreshing view of services, instances and checks, for humans running `npm start`. */
export function uiRoutes({ store }: ApiDeps): Route[] {
  const page: Route['methods'] = {
    GET: (ctx) => {
      const html = renderPage(store, ctx.acl);
      ctx.res.writeHead(200, {
        'content-type': 'text/html; charset=utf-8',
        'content-length': Buffer.byteLength(html),
        'cache-control': 'no-store',
        'x-content-type-options': 'nosniff',
        'content-security-policy': "default-src 'none'; style-src 'unsafe-inline'",
      });
      ctx.res.end(html);
    },
  };
  return [
    {
      // Only a redirect, so it needs no token; the page itself does.
      path: '/',
      public: true,
      methods: {
        GET: (ctx) => {
          ctx.res.writeHead(301, { location: '/ui/', 'content-length': 0 });
          ctx.res.end();
        },
      },
    },
    { path: '/ui', methods: page },
    { path: '/ui/', methods: page },
  ];
}

const escape = (text: string): string =>
  text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

function renderPage(store: CatalogStore, acl: Authorizer): string {
  const byName = new Map<string, ServiceRecord[]>();
  const all = store.allServices();
  const shown = all.filter((s) => acl.allows('service', s.name, 'read'));
  const hidden = all.length - shown.length;
  for (const service of shown) {
    const list = byName.get(service.name) ?? [];
    list.push(service);
    byName.set(service.name, list);
  }
  const nodeChecks = store.nodeChecks();
  const sections = [...byName.entries()]
    .sort(([a], [b]) => (a < b ? -1 : 1))
    .map(([name, instances]) => {
      const rows = instances
        .map((s) => {
          const checks = [...nodeChecks, ...store.checksOfService(s.id)];
          const overall = worst(checks);
          const where = s.address || s.port ? `${s.address || store.node.address}:${s.port}` : '';
          return `<tr><td><span class="${overall}">${overall}</span></td><td>${escape(s.id)}</td><td>${escape(where)}</td><td>${escape(s.tags.join(', '))}</td><td>${checks.map(renderCheck).join('<br>')}</td></tr>`;
        })
        .join('');
      return `<h2>${escape(name)} <small>${instances.length} instance${instances.length === 1 ? '' : 's'}</small></h2><table><tr><th>health</th><th>ID</th><th>address</th><th>tags</th><th>checks</th></tr>${rows}</table>`;
    })
    .join('');
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta http-equiv="refresh" content="3"><title>dev-registry</title><style>
body{font:14px system-ui,sans-serif;margin:2em;color:#222}table{border-collapse:collapse;width:100%;margin-bottom:1.5em}
td,th{border-bottom:1px solid #ddd;padding:.35em .6em;text-align:left;vertical-align:top}small{color:#777;font-weight:normal}
.passing{color:#137333}.warning{color:#b06000}.critical{color:#c5221f}code{color:#555}</style></head><body>
<h1>dev-registry <small>single-node, in-memory Consul API for development; datacenter ${escape(store.node.datacenter)}, node ${escape(store.node.name)}</small></h1>
${sections}${hidden > 0 ? `<p><small>${hidden} instance${hidden === 1 ? '' : 's'} hidden: this token may not read them (open /ui/?token=&lt;token&gt;)</small></p>` : ''}</body></html>`;
}

function renderCheck(check: CheckRecord): string {
  const output = check.output.length > 160 ? `${check.output.slice(0, 160)}…` : check.output;
  return `<span class="${check.status}">${check.status}</span> ${escape(check.name)} <code>${escape(output)}</code>`;
}

function worst(checks: readonly CheckRecord[]): string {
  if (checks.some((c) => c.status === 'critical')) return 'critical';
  if (checks.some((c) => c.status === 'warning')) return 'warning';
  return 'passing';
}
