import type { DependencyView, InstanceView, ServiceView, SystemView } from '../view/system-view';
import type { ChangeEvent } from '../view/change-events';
import { clock, configText, faultText, milliseconds, percent, perSecond } from './format';
import { html, type Html } from './html';

/** The parts of the page that live updates replace, by the id of their container. */
export type SectionId = 'status' | 'instances' | 'dependencies' | 'traffic' | 'config' | 'faults';

const BREAKER_WORDS = { closed: 'CLOSED', open: 'OPEN', 'half-open': 'HALF-OPEN' } as const;

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
  return html`${view.services.map(
    (s) =>
      html`<table class="instances" data-service="${s.name}">
        <caption>
          ${s.name}: ${s.instances.length} healthy
          ${s.instances.length === 1 ? 'instance' : 'instances'}${s.stale ? ' (registry unreachable: last known list)' : ''}
        </caption>
        <thead>
          <tr>
            <th scope="col">Instance</th>
            <th scope="col">Version</th>
            <th scope="col">Zone</th>
            <th scope="col">Address</th>
            <th scope="col">Registry check</th>
            <th scope="col">Own health</th>
          </tr>
        </thead>
        <tbody>
          ${
            instanceRows(s).length > 0
              ? instanceRows(s)
              : html`<tr>
                  <td colspan="6">No instance registered.</td>
                </tr>`
          }
        </tbody>
      </table>`,
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
  return html`<table class="dependencies">
    <caption>
      Each instance's view of the services it calls
    </caption>
    <thead>
      <tr>
        <th scope="col">Caller → dependency</th>
        <th scope="col">Breaker</th>
        <th scope="col">Calls in window</th>
        <th scope="col">Retries</th>
        <th scope="col">Bulkhead</th>
        <th scope="col">Instances</th>
        <th scope="col">Ejected</th>
        <th scope="col">Actions</th>
      </tr>
    </thead>
    <tbody>
      ${rows}
    </tbody>
  </table>`;
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
  const byVersion =
    split.length > 0
      ? split.map(
          (s) =>
            html`<tr data-upstream="${s.upstream}" data-version="${s.version}">
              <th scope="row">${s.upstream} ${s.version}</th>
              <td>${perSecond(s.requestsPerSecond)}</td>
              <td>
                ${share(
                  s.requestsPerSecond,
                  split.filter((o) => o.upstream === s.upstream),
                )}
              </td>
            </tr>`,
        )
      : view.servedByVersion
          .filter((s) => s.service !== 'gateway')
          .map(
            (s) =>
              html`<tr data-upstream="${s.service}" data-version="${s.version}">
                <th scope="row">${s.service} ${s.version || '(no version)'}</th>
                <td>${perSecond(s.requestsPerSecond)}</td>
                <td>
                  ${share(
                    s.requestsPerSecond,
                    view.servedByVersion.filter((o) => o.service === s.service),
                  )}
                </td>
              </tr>`,
          );
  return html`<table class="routes">
      <caption>
        Requests per route over the last 10 seconds (probes and scrapes left out)
      </caption>
      <thead>
        <tr>
          <th scope="col">Service and route</th>
          <th scope="col">Requests/s</th>
          <th scope="col">Errors (5xx)</th>
          <th scope="col">p50</th>
          <th scope="col">p95</th>
        </tr>
      </thead>
      <tbody>
        ${
          routes.length > 0
            ? routes
            : html`<tr>
                <td colspan="5">No requests in the window.</td>
              </tr>`
        }
      </tbody>
    </table>
    <table class="split">
      <caption>
        ${split.length > 0 ? 'The gateway’s upstream attempts by version' : 'Requests served by version (the gateway reports no version label)'}
      </caption>
      <thead>
        <tr>
          <th scope="col">Service and version</th>
          <th scope="col">Requests/s</th>
          <th scope="col">Share</th>
        </tr>
      </thead>
      <tbody>
        ${
          byVersion.length > 0
            ? byVersion
            : html`<tr>
                <td colspan="3">No traffic yet.</td>
              </tr>`
        }
      </tbody>
    </table>`;
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
    const flags = flagRows(s, first);
    return html`<article class="service-config" data-service="${s.name}" aria-labelledby="config-${s.name}">
      <h3 id="config-${s.name}">${s.name}</h3>
      <table>
        <caption>
          Live configuration per instance
        </caption>
        <thead>
          <tr>
            <th scope="col">Instance</th>
            <th scope="col">Version</th>
            <th scope="col">KV store</th>
            <th scope="col">Last refused change</th>
          </tr>
        </thead>
        <tbody>
          ${s.instances.map(
            (i) =>
              html`<tr data-instance="${i.id}">
                <th scope="row">${i.id}</th>
                <td>${i.config.status?.version ?? '–'}</td>
                <td>
                  ${i.config.status?.kv ? `${i.config.status.kv.kind}, ${i.config.status.kv.connected ? 'connected' : 'not connected'}` : 'none'}
                </td>
                ${rejectionCell(i)}
              </tr>`,
          )}
        </tbody>
      </table>
      ${first.config.error ? html`<p class="output">Settings not shown: ${first.config.error}</p>` : ''}
      ${faultLine(s, first)}
      <table>
        <caption>
          Feature flags (as ${first.id} holds them)
        </caption>
        <thead>
          <tr>
            <th scope="col">Flag</th>
            <th scope="col">Definition</th>
            <th scope="col">Layer</th>
            <th scope="col">Action</th>
          </tr>
        </thead>
        <tbody>
          ${
            flags.length > 0
              ? flags
              : html`<tr>
                  <td colspan="4">No flag defined.</td>
                </tr>`
          }
        </tbody>
      </table>
      <details id="settings-${s.name}">
        <summary>Every setting and its layer (${first.config.settings?.length ?? 0})</summary>
        <table>
          <caption>
            Settings of ${first.id}
          </caption>
          <thead>
            <tr>
              <th scope="col">Setting</th>
              <th scope="col">Value</th>
              <th scope="col">Layer</th>
            </tr>
          </thead>
          <tbody>
            ${(first.config.settings ?? []).map(
              (v) =>
                html`<tr data-setting="${v.path}">
                  <th scope="row"><code>${v.path}</code></th>
                  <td><code>${configText(v.value)}</code></td>
                  <td>${v.source}</td>
                </tr>`,
            )}
          </tbody>
        </table>
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

export function renderSections(view: SystemView): Record<Exclude<SectionId, 'faults'>, Html> {
  return {
    status: statusSection(view),
    instances: instancesSection(view),
    dependencies: dependenciesSection(view),
    traffic: trafficSection(view),
    config: configSection(view),
  };
}
