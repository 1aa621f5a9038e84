/** The page's style sheet, served as /assets/dashboard.css (kept in code: the build copies only compiled files). */
export const DASHBOARD_CSS = `
:root { color-scheme: light dark; --ok: #1a7f37; --warn: #9a6700; --bad: #cf222e; --focus: #0969da; }
body { font: 15px/1.45 system-ui, sans-serif; margin: 0 1.5rem 3rem; }
h1 { font-size: 1.5rem; margin: 1rem 0 0.25rem; }
h2 { font-size: 1.2rem; margin: 2rem 0 0.5rem; border-bottom: 1px solid #8884; }
h3 { font-size: 1.05rem; margin: 1.25rem 0 0.25rem; }
nav ul { display: flex; flex-wrap: wrap; gap: 1rem; list-style: none; padding: 0; margin: 0.5rem 0; }
table { border-collapse: collapse; margin: 0.5rem 0 1rem; width: 100%; }
caption { text-align: left; font-weight: 600; padding: 0.25rem 0; }
th, td { text-align: left; vertical-align: top; padding: 0.3rem 0.5rem; border-bottom: 1px solid #8883; }
thead th { font-size: 0.85rem; }
tbody th { font-weight: 500; }
.state { font-weight: 700; }
.state-passing, .state-closed { color: var(--ok); }
.state-warning, .state-half-open { color: var(--warn); }
.state-critical, .state-open { color: var(--bad); }
.output { color: #666; font-size: 0.85rem; margin: 0.2rem 0 0; padding-left: 1rem; white-space: pre-wrap; word-break: break-word; }
.refusal { color: var(--bad); }
.actions form, .inline-form { display: inline; }
button, input, select { font: inherit; padding: 0.25rem 0.6rem; }
:focus-visible { outline: 3px solid var(--focus); outline-offset: 2px; }
.skip { position: absolute; left: -10000px; }
.skip:focus { left: 1rem; top: 0.5rem; background: Canvas; padding: 0.5rem; }
.notice { padding: 0.5rem 0.75rem; margin: 0.75rem 0; border-left: 4px solid; }
.notice-done { border-color: var(--ok); }
.notice-refused, .notice-error { border-color: var(--bad); }
fieldset { display: grid; grid-template-columns: max-content 1fr; gap: 0.4rem 0.75rem; max-width: 48rem; }
fieldset button, fieldset .hint { grid-column: 2; }
.hint { font-size: 0.85rem; margin: 0; }
.sign-in { display: grid; gap: 0.5rem; max-width: 28rem; }
#changes { padding-left: 1.25rem; }
`;
