import type { DependencyView, InstanceView, ServiceView, SystemView } from '../view/system-view';
import type { ChangeEvent } from '../view/change-events';
import { clock, configText, faultText, milliseconds, percent, perSecond } from './format';
import { html, type Html } from './html';

/** The parts of the page that live updates replace, by the id of their container. */
export type SectionId = 'status' | 'instances' | 'dependencies' | 'traffic' | 'config';

const BREAKER_WORDS = { closed: 'CLOSED', open: 'OPEN', 'half-open': 'HALF-OPEN' } as const;

interface TableParts {
  /** The table element's attributes, such as its class. */
  attributes?: Html;
  caption: string;
  columns: readonly string[];
  rows: readonly Html[];
  /** What a table without rows says, in one row across every column; without it, the body is empty. */
  empty?: string;
}

/** Every table of the page: a caption, a header row of column headings, and the rows. */
function table(t: TableParts): Html {
  const rows =
    t.rows.length > 0 || t.empty === undefined
      ? t.rows
      : html`<tr>
          <td colspan="${t.columns.length}">${t.empty}</td>
        </tr>`;
  return html`<table${t.attributes ? html` ${t.attributes}` : ''}>
    <caption>
      ${t.caption}
    </caption>
    <thead>
      <tr>
        ${t.columns.map((c) => html`<th scope="col">${c}</th>`)}
      </tr>
    </thead>
    <tbody>
      ${rows}
    </tbody>
  </table>`;
}

function registryCell(instance: Pick<InstanceView, 'registry'>): Html {
  const { status, output } = instance.registry;
  return html`<td>
    <span class="state state-${status}">${status}</span
    >${output ? html`<br /><small class="output">${output}</small>` : ''}
  </td>`;
}

function ownHealthCell(instance: InstanceView): Html {
  const { probe } = instance;
  if (!probe.reachable)
    return html`<td>
      <span class="state state-critical">unreachable</span><br /><small class="output">${probe.error}</small>
    </td>`;
  const failing = probe.failingChecks.map(
    (c) => html`<li>${c.name}${c.critical ? ' (critical)' : ''}: ${c.error ?? 'failing'}</li>`,
  );
  return html`<td>
    <span class="state state-${probe.status === 'pass' ? 'passing' : 'warning'}">${probe.status}</span
    >${probe.draining ? ' draining' : ''}${
      failing.length > 0
        ? html`<ul class="output">
            ${failing}
          </ul>`
        : ''
    }
  </td>`;
}

function instanceRows(service: ServiceView): Html[] {
  const rows = service.instances.map(
    (i) =>
      html`<tr data-instance="${i.id}">
        <th scope="row">${i.id}</th>
        <td>${i.version ?? '–'}</td>
        <td>${i.zone ?? '–'}</td>
        <td>${i.address}:${i.port}</td>
        ${registryCell(i)}${ownHealthCell(i)}
      </tr>`,
  );
  const failing = service.failing.map(
    (f) =>
      html`<tr data-failing-instance="${f.id}" class="failing">
        <th scope="row">${f.id}</th>
        <td>–</td>
        <td>–</td>
        <td>${f.address}:${f.port}</td>
        ${registryCell(f)}
        <td>not called: the registry does not list it as healthy</td>
      </tr>`,
  );
  return [...rows, ...failing];
}

export function instancesSection(view: SystemView): Html {
  return html`${view.services.map((s) =>
    table({
      attributes: html`class="instances" data-service="${s.name}"`,
      caption: `${s.name}: ${s.instances.length} healthy ${s.instances.length === 1 ? 'instance' : 'instances'}${
        s.stale ? ' (registry unreachable: last known list)' : ''
      }`,
      columns: ['Instance', 'Version', 'Zone', 'Address', 'Registry check', 'Own health'],
      rows: instanceRows(s),
      empty: 'No instance registered.',
    }),
  )}`;
}

function breakerForms(instance: InstanceView, dependency: DependencyView): Html {
  if (dependency.policy === undefined) return html`<td></td>`;
  const label = `${dependency.name} breaker of ${instance.id}`;
  const form = (action: 'force-open' | 'reset', text: string) =>
    html`<form method="post" action="/actions/breaker">
      <input type="hidden" name="instance" value="${instance.id}" /><input
        type="hidden"
        name="dependency"
        value="${dependency.name}"
      />
      <input type="hidden" name="action" value="${action}" />
      <button type="submit" id="breaker-${action}-${instance.id}-${dependency.name}" aria-label="${text}: ${label}">
        ${text}
      </button>
    </form>`;
  return html`<td class="actions">${form('force-open', 'Force open')}${form('reset', 'Reset')}</td>`;
}

function dependencyRow(instance: InstanceView, d: DependencyView): Html {
  const p = d.policy;
  const ejected = d.cache?.ejected.map((e) => e.id).join(', ') || 'none';
  const breaker = p
    ? html`<span class="breaker state state-${p.state}">${BREAKER_WORDS[p.state]}</span
        >${p.forcedOpen ? ' (forced)' : ''}`
    : html`no policy yet`;
  return html`<tr data-instance="${instance.id}" data-dependency="${d.name}">
    <th scope="row">${instance.id} → ${d.name}</th>
    <td>${breaker}</td>
    <td>${p ? `${p.successes} ok, ${p.failures} failed, ${p.timeouts} timed out, ${p.rejects} rejected` : '–'}</td>
    <td>
      ${p ? `${p.retries.enabled ? '' : 'off; '}${p.retries.attempted} made, ${p.retries.budgetExhausted} refused by budget` : '–'}
    </td>
    <td>
      ${p ? (p.bulkhead.enabled ? `${p.bulkhead.active} active, ${p.bulkhead.queued} queued, ${p.bulkhead.rejected} rejected` : 'off') : '–'}
    </td>
    <td>${d.cache ? `${d.cache.instances}${d.cache.stale ? ' (stale)' : ''}` : '–'}</td>
    <td>${ejected}</td>
    ${breakerForms(instance, d)}
  </tr>`;
}

export function dependenciesSection(view: SystemView): Html {
  const rows = view.services.flatMap((s) => s.instances.flatMap((i) => i.dependencies.map((d) => dependencyRow(i, d))));
  if (rows.length === 0) return html`<p>No instance reports a dependency.</p>`;
  return table({
    attributes: html`class="dependencies"`,
    caption: "Each instance's view of the services it calls",
    columns: [
      'Caller → dependency',
      'Breaker',
      'Calls in window',
      'Retries',
      'Bulkhead',
      'Instances',
      'Ejected',
      'Actions',
    ],
    rows,
  });
}

export function trafficSection(view: SystemView): Html {
  const routes = view.services.flatMap((s) =>
    s.routes.map(
      (r) =>
        html`<tr data-service="${s.name}" data-route="${r.method} ${r.route}">
          <th scope="row">${s.name} ${r.method} ${r.route}</th>
          <td>${perSecond(r.requestsPerSecond)}</td>
          <td>${percent(r.errorRatio)}</td>
          <td>${milliseconds(r.p50Ms)}</td>
          <td>${milliseconds(r.p95Ms)}</td>
        </tr>`,
    ),
  );
  const split = view.gatewaySplit.filter((s) => s.version !== '');
  // The gateway's own split when its metrics carry versions, else what the services say they served.
  const versions =
    split.length > 0
      ? split.map((s) => ({ ...s, group: split.filter((o) => o.upstream === s.upstream) }))
      : view.servedByVersion
          .filter((s) => s.service !== 'gateway')
          .map((s) => ({
            upstream: s.service,
            version: s.version,
            requestsPerSecond: s.requestsPerSecond,
            group: view.servedByVersion.filter((o) => o.service === s.service),
          }));
  const byVersion = versions.map(
    (v) =>
      html`<tr data-upstream="${v.upstream}" data-version="${v.version}">
        <th scope="row">${v.upstream} ${v.version || '(no version)'}</th>
        <td>${perSecond(v.requestsPerSecond)}</td>
        <td>${share(v.requestsPerSecond, v.group)}</td>
      </tr>`,
  );
  return html`${table({
    attributes: html`class="routes"`,
    caption: 'Requests per route over the last 10 seconds (probes and scrapes left out)',
    columns: ['Service and route', 'Requests/s', 'Errors (5xx)', 'p50', 'p95'],
    rows: routes,
    empty: 'No requests in the window.',
  })}
  ${table({
    attributes: html`class="split"`,
    caption:
      split.length > 0
        ? 'The gateway’s upstream attempts by version'
        : 'Requests served by version (the gateway reports no version label)',
    columns: ['Service and version', 'Requests/s', 'Share'],
    rows: byVersion,
    empty: 'No traffic yet.',
  })}`;
}

function share(n: number, group: { requestsPerSecond: number }[]): string {
  const total = group.reduce((sum, g) => sum + g.requestsPerSecond, 0);
  return total === 0 ? '–' : percent(n / total);
}

function rejectionCell(instance: InstanceView): Html {
  const rejection = instance.config.status?.lastRejection;
  if (rejection === undefined) return html`<td>none</td>`;
  return html`<td class="refusal">
    at ${clock(rejection.at)} from ${rejection.source}:
    <ul>
      ${rejection.issues.map((i) => html`<li><code>${i.path}</code>: ${i.message}</li>`)}
    </ul>
  </td>`;
}

function flagRows(service: ServiceView, instance: InstanceView): Html[] {
  return (instance.config.flags ?? []).map((flag) => {
    const definition = flag.value as { enabled?: unknown } | null;
    const enabled = typeof definition === 'object' && definition !== null && definition.enabled === true;
    return html`<tr data-service="${service.name}" data-flag="${flag.path}">
      <th scope="row">${flag.path}</th>
      <td><code class="flag-value">${configText(flag.value)}</code></td>
      <td>${flag.source}</td>
      <td>
        <form method="post" action="/actions/flag">
          <input type="hidden" name="service" value="${service.name}" /><input
            type="hidden"
            name="flag"
            value="${flag.path}"
          />
          <input type="hidden" name="enabled" value="${enabled ? 'false' : 'true'}" />
          <button
            type="submit"
            id="flag-${service.name}-${flag.path}"
            aria-label="${enabled ? 'Turn off' : 'Turn on'} ${flag.path} in ${service.name}"
          >
            ${enabled ? 'Turn off' : 'Turn on'}
          </button>
        </form>
      </td>
    </tr>`;
  });
}

/** The fault injection the service's instances have in force (as `instance` holds it), and a way to clear it. */
function faultLine(service: ServiceView, instance: InstanceView): Html {
  return html`<p class="fault" data-service="${service.name}">
    Fault injection (as ${instance.id} holds it): <code class="fault-value">${faultText(instance.fault)}</code>
    ${
      instance.fault
        ? html`<form method="post" action="/actions/fault" class="inline-form">
            <input type="hidden" name="service" value="${service.name}" /><input
              type="hidden"
              name="kind"
              value="clear"
            />
            <button type="submit" id="fault-clear-${service.name}" aria-label="Clear the faults of ${service.name}">
              Clear
            </button>
          </form>`
        : ''
    }
  </p>`;
}

export function configSection(view: SystemView): Html {
  return html`${view.services.map((s) => {
    const first = s.instances.find((i) => i.config.settings !== undefined) ?? s.instances[0];
    if (first === undefined) return html``;
    return html`<article class="service-config" data-service="${s.name}" aria-labelledby="config-${s.name}">
      <h3 id="config-${s.name}">${s.name}</h3>
      ${table({
        caption: 'Live configuration per instance',
        columns: ['Instance', 'Version', 'KV store', 'Last refused change'],
        rows: s.instances.map(
          (i) =>
            html`<tr data-instance="${i.id}">
              <th scope="row">${i.id}</th>
              <td>${i.config.status?.version ?? '–'}</td>
              <td>
                ${i.config.status?.kv ? `${i.config.status.kv.kind}, ${i.config.status.kv.connected ? 'connected' : 'not connected'}` : 'none'}
              </td>
              ${rejectionCell(i)}
            </tr>`,
        ),
      })}
      ${first.config.error ? html`<p class="output">Settings not shown: ${first.config.error}</p>` : ''}
      ${faultLine(s, first)}
      ${table({
        caption: `Feature flags (as ${first.id} holds them)`,
        columns: ['Flag', 'Definition', 'Layer', 'Action'],
        rows: flagRows(s, first),
        empty: 'No flag defined.',
      })}
      <details id="settings-${s.name}">
        <summary>Every setting and its layer (${first.config.settings?.length ?? 0})</summary>
        ${table({
          caption: `Settings of ${first.id}`,
          columns: ['Setting', 'Value', 'Layer'],
          rows: (first.config.settings ?? []).map(
            (v) =>
              html`<tr data-setting="${v.path}">
                <th scope="row"><code>${v.path}</code></th>
                <td><code>${configText(v.value)}</code></td>
                <td>${v.source}</td>
              </tr>`,
          ),
        })}
      </details>
    </article>`;
  })}`;
}

export function statusSection(view: SystemView): Html {
  return html`Registry: ${view.registry}. Last update <time datetime="${view.at}">${clock(view.at)}</time> UTC.`;
}

/** One entry of the change log, newest first. */
export function changeItem(event: ChangeEvent): Html {
  return html`<li data-seq="${event.seq}"><time datetime="${event.at}">${clock(event.at)}</time> ${event.text}</li>`;
}

export function renderSections(view: SystemView): Record<SectionId, Html> {
  return {
    status: statusSection(view),
    instances: instancesSection(view),
    dependencies: dependenciesSection(view),
    traffic: trafficSection(view),
    config: configSection(view),
  };
}
