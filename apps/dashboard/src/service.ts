import { createHash } from 'node:crypto';
import type { KvSource } from '@lab/config';
import {
  Forbidden,
  HttpProblem,
  defineService,
  formBodyParser,
  parseBody,
  type ServiceContext,
} from '@lab/service-kit';
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import type { z } from 'zod';
import { breakerAction, faultAction, flagAction, settingAction } from './actions/action-inputs';
import { openConfigKv } from './actions/config-writer';
import { DashboardActions } from './actions/dashboard-actions';
import { ConsulCatalog } from './collect/consul-catalog';
import { InstanceProbe } from './collect/instance-probe';
import { SystemCollector, type RegistryCatalog } from './collect/system-collector';
import { dashboardConfig, type DashboardConfig } from './config';
import { LiveStream } from './http/live-stream';
import { NoticeBoard } from './http/notice-board';
import { SESSION_COOKIE, SESSION_TTL_MS, Sessions } from './http/session';
import { dashboardPage, signInPage, type Notice } from './page/layout';
import { LIVE_CLIENT_JS } from './page/live-client';
import { DASHBOARD_CSS } from './page/styles';

/** The page loads nothing from elsewhere and runs no inline code. */
const SECURITY_HEADERS = {
  'content-security-policy':
    "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; img-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
  'x-content-type-options': 'nosniff',
  // same-origin, not no-referrer: with no-referrer browsers send `Origin: null` on the page's own form posts.
  'referrer-policy': 'same-origin',
};

function asset(body: string, type: string): RequestHandler {
  const etag = `"${createHash('sha256').update(body).digest('base64url').slice(0, 16)}"`;
  return (req, res) => {
    res.set({ 'content-type': type, etag, 'cache-control': 'no-cache', ...SECURITY_HEADERS });
    if (req.get('if-none-match') === etag) res.status(304).end();
    else res.send(body);
  };
}

/**
 * A form posted from another site must not act with the session of whoever is signed in. The
 * session cookie is SameSite=Strict already; the browser's own Fetch Metadata and Origin headers
 * are checked as well, for browsers that send a cookie anyway.
 */
function sameOrigin(req: Request, _res: Response, next: NextFunction): void {
  const site = req.get('sec-fetch-site');
  const origin = req.get('origin');
  const expected = `${req.protocol}://${req.get('host')}`;
  if (
    (site !== undefined && site !== 'same-origin' && site !== 'none') ||
    (origin !== undefined && origin !== expected)
  ) {
    return next(new Forbidden('Dashboard actions are taken only from the dashboard’s own page'));
  }
  next();
}

/** A browser posting a form gets the page back with a notice; a script gets JSON or problem+json. */
function wantsPage(req: Request): boolean {
  return req.accepts(['application/json', 'text/html']) === 'text/html';
}

export interface DashboardOptions {
  /** The KV store to write config changes to instead of the registry's (tests: a MemoryKv). */
  kv?: KvSource;
  /** The registry's catalog instead of none (tests). */
  catalog?: RegistryCatalog;
}

/**
 * The live picture of the whole system, found through the registry like any other client: every
 * service and instance, their dependencies' breakers, traffic per route and by version, live
 * configuration and flags, and the actions a student needs, all through the system's own APIs.
 */
export function createDashboardService(options: DashboardOptions = {}) {
  return defineService({
    name: 'dashboard',
    defaultPort: 8090,
    config: dashboardConfig,
    routes(ctx) {
      mountDashboard(ctx, options);
    },
  });
}

export const dashboardService = createDashboardService();

function mountDashboard(ctx: ServiceContext<DashboardConfig>, options: DashboardOptions): void {
  const { app, config, log } = ctx;
  const timeoutMs = Math.min(Math.max(config.DASHBOARD_REFRESH_INTERVAL * 2, 1000), 5000);
  // Consul has a catalog: every service, and instances that fail their checks with the checks' output.
  const consul =
    options.catalog === undefined && config.DISCOVERY_BACKEND === 'consul'
      ? new ConsulCatalog({
          url: config.CONSUL_URL,
          token: config.CONSUL_TOKEN,
          ca: config.CONSUL_CA,
          cert: config.CONSUL_CERT,
          key: config.CONSUL_KEY,
          timeoutMs,
        })
      : undefined;
  const probe = new InstanceProbe({
    adminToken: config.ADMIN_TOKEN,
    timeoutMs,
  });
  const collector = new SystemCollector({
    services: config.DASHBOARD_SERVICES,
    directory: ctx.services,
    registryKind: config.DISCOVERY_BACKEND,
    probe,
    catalog: options.catalog ?? consul,
    intervalMs: config.DASHBOARD_REFRESH_INTERVAL,
    log,
  });
  const configKv = options.kv === undefined ? openConfigKv(config, log) : undefined;
  const kv = options.kv ?? configKv?.kv;
  const actions = new DashboardActions({ collector, probe, kv });
  const live = new LiveStream(collector, log);
  const sessions = new Sessions(config.ADMIN_TOKEN);
  const notices = new NoticeBoard();

  ctx.health.onReadinessChange((ready, reason) => {
    if (!ready && reason === 'draining') live.closeAll();
  });
  ctx.onShutdown(async () => {
    live.close();
    collector.close();
    await probe.close();
    await consul?.close();
    await configKv?.close();
  });

  const page = (res: Response, status: number, notice?: Notice) =>
    res
      .status(status)
      .set({ 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store', ...SECURITY_HEADERS })
      .send(
        dashboardPage(collector.view(), {
          changes: live.changes.recent(),
          notice,
          services: collector.knownServices(),
        }).text,
      );

  app.get('/assets/dashboard.css', asset(DASHBOARD_CSS, 'text/css; charset=utf-8'));
  app.get('/assets/live.js', asset(LIVE_CLIENT_JS, 'text/javascript; charset=utf-8'));

  const signInForm = (res: Response, status: number, error?: string) =>
    res
      .status(status)
      .set({ 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store', ...SECURITY_HEADERS })
      .send(signInPage({ error }).text);
  app.get('/sign-in', (_req, res) => signInForm(res, 200));
  app.post('/sign-in', sameOrigin, formBodyParser('2kb'), (req, res) => {
    const token = typeof req.body?.token === 'string' ? req.body.token : '';
    if (!sessions.isAdminToken(token)) return signInForm(res, 401, 'That is not the admin token.');
    res.cookie(SESSION_COOKIE, sessions.issue(), {
      httpOnly: true,
      sameSite: 'strict',
      secure: req.secure,
      path: '/',
      maxAge: SESSION_TTL_MS,
    });
    res.redirect(303, '/');
  });

  const signedIn: RequestHandler = (req, res, next) => {
    if (sessions.admits(req)) return next();
    if (req.method === 'GET' && wantsPage(req)) return res.redirect(303, '/sign-in');
    res
      .status(401)
      .set({ 'content-type': 'application/problem+json', 'www-authenticate': 'Bearer' })
      .send(
        JSON.stringify({
          type: 'about:blank',
          title: 'Unauthorized',
          status: 401,
          detail: 'Sign in at /sign-in, or send the admin token as a bearer token',
        }),
      );
  };

  app.get('/', signedIn, async (req, res) => {
    await collector.fresh();
    page(res, 200, notices.take(typeof req.query.notice === 'string' ? req.query.notice : undefined));
  });
  app.get('/events', signedIn, (req, res) => live.handle(req, res));
  app.get('/api/view', signedIn, async (_req, res) => {
    res.set('cache-control', 'no-store').json(await collector.fresh());
  });

  const action = <S extends z.ZodType>(path: string, schema: S, run: (input: z.output<S>) => Promise<Notice>) =>
    app.post(path, signedIn, sameOrigin, formBodyParser('8kb'), async (req, res) => {
      let notice: Notice;
      try {
        notice = await run(parseBody(schema, req));
      } catch (error) {
        if (!(error instanceof HttpProblem) || !wantsPage(req)) throw error;
        const fields = error.errors?.map((e) => `${e.field}: ${e.message}`).join('; ');
        return page(res, error.status, {
          kind: 'error',
          text: fields ? `${error.detail} (${fields})` : String(error.detail),
        });
      }
      if (wantsPage(req)) return res.redirect(303, `/?notice=${notices.post(notice)}#notice`);
      res.json(notice);
    });
  action('/actions/breaker', breakerAction, (input) => actions.breaker(input));
  action('/actions/flag', flagAction, (input) => actions.flag(input));
  action('/actions/setting', settingAction, (input) => actions.setting(input));
  action('/actions/fault', faultAction, (input) => actions.fault(input));
}
