// Eureka's REST operations, under Netflix's `/eureka/v2` and Spring Cloud Netflix's `/eureka`.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { permissionDenied, requireAccess } from '../api/acl';
import { HttpError, badRequest, notFound } from '../api/http-error';
import { parseJson, readBody } from '../api/request-body';
import { sendEmpty } from '../api/respond';
import type { Handler, RequestContext, Route } from '../api/router';
import { validate } from '../api/validate';
import type { Logger } from '@lab/common';
import {
  applicationTree,
  applicationsTree,
  decodeXml,
  encodeBody,
  instanceTree,
  XmlSyntaxError,
  type EurekaFormat,
} from './eureka-codec';
import type { EurekaRegistry } from './eureka-registry';
import { INSTANCE_STATUSES, type InstanceStatus } from './eureka-types';
import { registrationSchema, toInstanceInput } from './instance-schema';
import { z } from 'zod';

export const EUREKA_PREFIXES = ['/eureka/v2', '/eureka'] as const;

const BODY_LIMIT = 256 * 1024;

export interface EurekaRouteDeps {
  registry: EurekaRegistry;
  defaultLeaseDurationMs: number;
  logger: Logger;
}

export function eurekaRoutes(deps: EurekaRouteDeps): Route[] {
  return EUREKA_PREFIXES.flatMap((prefix) => routesUnder(prefix, deps)).map(guarded);
}

/**
 * Eureka's ACLs, in Consul's terms: a write under apps/<app> needs service write on the app's name in
 * lower case (so a service's own token registers it), a read needs read on every service, since
 * Eureka's answers list the whole registry.
 */
function guarded(route: Route): Route {
  const guard =
    (method: string, handler: Handler): Handler =>
    (ctx) => {
      if (method === 'GET') {
        if (!ctx.acl.allowsAllUnder('service', '', 'read')) throw permissionDenied();
      } else {
        requireAccess(ctx.acl, 'service', (pathParts(ctx.param)[0] ?? '').toLowerCase(), 'write');
      }
      return handler(ctx);
    };
  const methods = Object.fromEntries(
    Object.entries(route.methods).map(([method, handler]) => [method, guard(method, handler)]),
  );
  return { ...route, methods };
}

function routesUnder(prefix: string, deps: EurekaRouteDeps): Route[] {
  const { registry } = deps;
  const apps: Route['methods'] = {
    GET: (ctx) => sendTree(ctx, 'applications', applicationsTree(registry.applications(), formatOf(ctx.req))),
  };
  const byVip = (secure: boolean): Route['methods'] => ({
    GET: (ctx) => {
      const instances = registry.byVip(ctx.param, secure);
      const format = formatOf(ctx.req);
      const tree = applicationsTree({ ...registry.applications(), applications: groupByApp(instances) }, format);
      sendTree(ctx, 'applications', tree);
    },
  });
  return [
    { path: `${prefix}/apps`, methods: apps },
    {
      path: `${prefix}/apps`,
      prefix: true,
      methods: {
        GET: (ctx) => getUnderApps(ctx, deps),
        POST: (ctx) => register(ctx, deps),
        PUT: (ctx) => putUnderApps(ctx, deps),
        DELETE: (ctx) => deleteUnderApps(ctx, deps),
      },
    },
    {
      path: `${prefix}/instances`,
      prefix: true,
      methods: {
        GET: (ctx) => {
          const instance = registry.instanceById(ctx.param);
          if (!instance) throw notFound(`No instance with ID ${ctx.param}`);
          const format = formatOf(ctx.req);
          sendTree(ctx, 'instance', instanceTree(instance, format), format);
        },
      },
    },
    { path: `${prefix}/vips`, prefix: true, methods: byVip(false) },
    { path: `${prefix}/svips`, prefix: true, methods: byVip(true) },
  ];
}

/** `apps/` (Spring's spelling of the full fetch), `apps/delta`, `apps/:app`, `apps/:app/:id`. */
function getUnderApps(ctx: RequestContext, { registry }: EurekaRouteDeps): void {
  const parts = pathParts(ctx.param);
  const format = formatOf(ctx.req);
  if (parts.length === 0) return sendTree(ctx, 'applications', applicationsTree(registry.applications(), format));
  if (parts.length === 1 && parts[0] === 'delta')
    return sendTree(ctx, 'applications', applicationsTree(registry.delta(), format));
  const [app, id] = parts as [string, string | undefined];
  if (parts.length === 1) {
    const instances = registry.application(app);
    if (!instances) throw notFound(`No application named ${app.toUpperCase()}`);
    return sendTree(ctx, 'application', applicationTree(app.toUpperCase(), instances, format));
  }
  if (parts.length === 2) {
    const instance = registry.instance(app, id!);
    if (!instance) throw notFound(`No instance ${id} of application ${app.toUpperCase()}`);
    return sendTree(ctx, 'instance', instanceTree(instance, format));
  }
  throw notFound(`Not found: ${ctx.param} is not a resource under apps/`);
}

/** POST apps/:app with `{"instance": {...}}`, JSON or XML; 204 as Eureka answers. */
async function register(ctx: RequestContext, { registry, defaultLeaseDurationMs, logger }: EurekaRouteDeps) {
  const parts = pathParts(ctx.param);
  if (parts.length !== 1)
    throw new HttpError(405, 'POST registers an instance: use POST apps/<app name>', { allow: 'GET, PUT, DELETE' });
  const body = await readBody(ctx.req, BODY_LIMIT);
  const tree = isXml(ctx.req.headers['content-type']) ? xmlTree(body) : parseJson(body);
  const { instance } = validate(registrationSchema, tree);
  const appName = parts[0]!.toUpperCase();
  if (instance.app !== appName)
    throw badRequest(`instance.app: Mismatched appName, expecting ${appName} but was ${instance.app}`);
  const input = toInstanceInput(instance, Math.ceil(defaultLeaseDurationMs / 1000));
  const stored = registry.register(input);
  logger.info(
    {
      app: stored.app,
      instanceId: stored.instanceId,
      status: stored.effectiveStatus,
      lease: stored.leaseInfo.durationInSecs,
    },
    'eureka: instance registered',
  );
  sendEmpty(ctx.res, 204);
}

/** PUT apps/:app/:id (heartbeat), .../status?value=, .../metadata?key=value. */
function putUnderApps(ctx: RequestContext, { registry, logger }: EurekaRouteDeps): void {
  const parts = pathParts(ctx.param);
  const [app, id, what] = parts as [string, string, string | undefined];
  if (parts.length === 2) {
    const lastDirty = ctx.query.get('lastDirtyTimestamp');
    const clientDirty = lastDirty === null ? undefined : validate(timestamp, lastDirty, 'lastDirtyTimestamp');
    if (registry.renew(app, id, clientDirty) === 'unknown')
      throw notFound(`No lease for ${app.toUpperCase()}/${id}: register again`);
    return sendEmpty(ctx.res, 200);
  }
  if (parts.length === 3 && what === 'status') {
    const status = validate(statusValue, ctx.query.get('value') ?? undefined, 'value');
    const updated = registry.setStatusOverride(app, id, status);
    if (!updated) throw notFound(`No instance ${id} of application ${app.toUpperCase()}`);
    logger.info({ app: updated.app, instanceId: id, status }, 'eureka: status override set');
    return sendEmpty(ctx.res, 200);
  }
  if (parts.length === 3 && what === 'metadata') {
    const entries = Object.fromEntries(ctx.query.entries());
    delete entries.token;
    if (Object.keys(entries).length === 0) throw badRequest('metadata: give at least one ?key=value');
    if (!registry.updateMetadata(app, id, entries))
      throw notFound(`No instance ${id} of application ${app.toUpperCase()}`);
    return sendEmpty(ctx.res, 200);
  }
  throw methodNotAllowed('PUT', ctx.param);
}

/** DELETE apps/:app/:id (cancel) and .../status (drop the override). */
function deleteUnderApps(ctx: RequestContext, { registry, logger }: EurekaRouteDeps): void {
  const parts = pathParts(ctx.param);
  const [app, id, what] = parts as [string, string, string | undefined];
  if (parts.length === 2) {
    if (!registry.cancel(app, id)) throw notFound(`No instance ${id} of application ${app.toUpperCase()}`);
    logger.info({ app: app.toUpperCase(), instanceId: id }, 'eureka: instance cancelled');
    return sendEmpty(ctx.res, 200);
  }
  if (parts.length === 3 && what === 'status') {
    const raw = ctx.query.get('value');
    const fallback = raw === null || raw === '' ? undefined : validate(statusValue, raw, 'value');
    const updated = registry.deleteStatusOverride(app, id, fallback);
    if (!updated) throw notFound(`No instance ${id} of application ${app.toUpperCase()}`);
    logger.info(
      { app: updated.app, instanceId: id, status: updated.effectiveStatus },
      'eureka: status override removed',
    );
    return sendEmpty(ctx.res, 200);
  }
  throw methodNotAllowed('DELETE', ctx.param);
}

const statusValue = z
  .string({ error: `is required: one of ${INSTANCE_STATUSES.join(', ')}` })
  .transform((v) => v.toUpperCase())
  .pipe(
    z.enum(INSTANCE_STATUSES, { error: `must be one of ${INSTANCE_STATUSES.join(', ')}` }),
  ) as z.ZodType<InstanceStatus>;

const timestamp = z
  .string()
  .regex(/^\d+$/, 'must be a time in milliseconds')
  .transform(Number)
  .refine(Number.isSafeInteger, 'must be a time in milliseconds');

function methodNotAllowed(method: string, param: string): HttpError {
  return new HttpError(405, `method ${method} not allowed on apps/${param}`, { allow: 'GET' });
}

function pathParts(param: string): string[] {
  return param.split('/').filter((part) => part !== '');
}

function groupByApp<T extends { app: string; instanceId: string }>(instances: readonly T[]) {
  const byApp = new Map<string, T[]>();
  for (const instance of instances) byApp.set(instance.app, [...(byApp.get(instance.app) ?? []), instance]);
  return [...byApp.entries()].map(([name, list]) => ({ name, instances: list }));
}

function isXml(contentType: string | undefined): boolean {
  return contentType !== undefined && /\bxml\b/i.test(contentType);
}

function xmlTree(body: Buffer): unknown {
  try {
    return decodeXml(body.toString('utf8'));
  } catch (error) {
    if (error instanceof XmlSyntaxError) throw badRequest(`Request decode failed: ${error.message}`);
    throw error;
  }
}

/**
 * JSON when the client's Accept names JSON before XML; otherwise XML, which is what a Eureka
 * server answers a client that states no preference.
 */
export function formatOf(req: IncomingMessage): EurekaFormat {
  const accept = (req.headers.accept ?? '').toLowerCase();
  const json = accept.indexOf('json');
  const xml = accept.indexOf('xml');
  return json >= 0 && (xml < 0 || json < xml) ? 'json' : 'xml';
}

function sendTree(ctx: RequestContext, root: string, tree: Record<string, unknown>, format = formatOf(ctx.req)): void {
  const body = encodeBody(root, tree, format);
  writeBody(ctx.res, body, format);
}

function writeBody(res: ServerResponse, body: string, format: EurekaFormat): void {
  res.writeHead(200, {
    'content-type': format === 'json' ? 'application/json' : 'application/xml',
    'content-length': Buffer.byteLength(body),
  });
  res.end(body);
}
