import type { ChangeEvent } from '../view/change-events';
import type { SystemView } from '../view/system-view';
import { html, type Html } from './html';
import { changeItem, renderSections } from './sections';

export interface Notice {
  kind: 'done' | 'refused' | 'error';
  text: string;
}

function document(title: string, body: Html): Html {
  return html`<!doctype html>
    <html lang="en">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <title>${title}</title>
        <link rel="stylesheet" href="/assets/dashboard.css" />
        <script src="/assets/live.js" defer></script>
      </head>
      <body>
        ${body}
      </body>
    </html>`;
}

function noticeBlock(notice: Notice | undefined): Html {
  return html`<div id="notice" role="status" class="${notice ? `notice notice-${notice.kind}` : ''}">
    ${notice?.text}
  </div>`;
}

function settingForm(services: readonly string[]): Html {
  return html`<form method="post" action="/actions/setting" class="setting-form">
    <fieldset>
      <legend>Change a setting or a flag</legend>
      <label for="setting-service">Service</label>
      <select id="setting-service" name="service">
        ${[...services, 'shared'].map((s) => html`<option value="${s}">${s}</option>`)}
      </select>
      <label for="setting-key">Key</label>
      <input id="setting-key" name="key" required placeholder="logLevel or flags/bulk-discount" autocomplete="off" />
      <label for="setting-value">Value</label>
      <input id="setting-value" name="value" required placeholder='debug or {"enabled":true}' autocomplete="off" />
      <button type="submit" id="setting-submit">Write to the KV store</button>
      <p class="hint">
        The service validates the change before it applies it; a refused change is shown here and under its service.
      </p>
    </fieldset>
  </form>`;
}

/** Outside the live section, so an update never wipes what is being typed. */
function faultForm(services: readonly string[]): Html {
  return html`<form method="post" action="/actions/fault" class="fault-form">
    <fieldset>
      <legend>Inject a fault</legend>
      <label for="fault-service">Fault service</label>
      <select id="fault-service" name="service">
        ${services.map((s) => html`<option value="${s}">${s}</option>`)}
      </select>
      <label for="fault-percent">Percent of requests</label>
      <input id="fault-percent" name="percent" inputmode="decimal" value="100" autocomplete="off" />
      <label for="fault-ms">Delay (ms)</label>
      <input id="fault-ms" name="ms" inputmode="numeric" value="1000" autocomplete="off" />
      <label for="fault-status">Abort status</label>
      <input id="fault-status" name="status" inputmode="numeric" value="503" autocomplete="off" />
      <button type="submit" name="kind" value="delay" id="fault-delay">Inject delay</button>
      <button type="submit" name="kind" value="abort" id="fault-abort">Inject abort</button>
      <button type="submit" name="kind" value="clear" id="fault-clear">Clear faults</button>
      <p class="hint">
        Every instance of the service applies it within a second, through its live configuration
        (<code>config/&lt;service&gt;/fault/</code>); health, metrics and admin routes are never faulted.
      </p>
    </fieldset>
  </form>`;
}

/**
 * The whole page, complete without JavaScript: every section rendered on the server. The script
 * only keeps the same sections current from the server-sent events of /events.
 */
export function dashboardPage(
  view: SystemView,
  o: { changes: ChangeEvent[]; notice?: Notice; services: string[] },
): Html {
  const sections = renderSections(view);
  const section = (id: keyof typeof sections, title: string, extra: Html = html``) =>
    html`<section aria-labelledby="${id}-heading">
      <h2 id="${id}-heading">${title}</h2>
      <div id="${id}" class="live">${sections[id]}</div>
      ${extra}
    </section>`;
  return document(
    'System dashboard',
    html`<a class="skip" href="#main">Skip to the dashboard</a>
      <header>
        <h1>System dashboard</h1>
        <p id="status" class="live">${sections.status}</p>
        <p id="connection" aria-live="off">Live updates need JavaScript; reload the page to see changes.</p>
        <nav aria-label="Sections">
          <ul>
            <li><a href="#instances-heading">Instances</a></li>
            <li><a href="#dependencies-heading">Dependencies</a></li>
            <li><a href="#traffic-heading">Traffic</a></li>
            <li><a href="#config-heading">Configuration</a></li>
            <li><a href="#changes-heading">Recent changes</a></li>
          </ul>
        </nav>
      </header>
      <main id="main" tabindex="-1">
        ${noticeBlock(o.notice)} ${section('instances', 'Services and instances')}
        ${section('dependencies', 'Dependencies: breakers, retries, bulkheads, ejections')}
        ${section('traffic', 'Traffic per route and by version')}
        ${section('config', 'Live configuration and flags', html`${settingForm(o.services)}${faultForm(o.services)}`)}
        <section aria-labelledby="changes-heading">
          <h2 id="changes-heading">Recent changes</h2>
          <ol id="changes" role="log" aria-live="polite">
            ${o.changes.map(changeItem)}
          </ol>
        </section>
      </main>`,
  );
}

export function signInPage(o: { error?: string }): Html {
  return document(
    'Sign in: system dashboard',
    html`<main id="main">
      <h1>System dashboard</h1>
      <form method="post" action="/sign-in" class="sign-in">
        <p>
          The dashboard shows every service’s configuration and can change it: sign in with the stack’s admin token
          (<code>ADMIN_TOKEN</code>; <code>npm start</code> prints it).
        </p>
        ${o.error ? html`<p id="sign-in-error" class="notice notice-error" role="alert">${o.error}</p>` : ''}
        <label for="token">Admin token</label>
        <input
          id="token"
          name="token"
          type="password"
          required
          autocomplete="current-password"
          ${o.error ? html`aria-describedby="sign-in-error" aria-invalid="true"` : ''}
          autofocus
        />
        <button type="submit">Sign in</button>
      </form>
    </main>`,
  );
}
