import type { TtlUpdate } from '../../agent/agent';
import type { CheckRecord, CheckStatus } from '../../state/types';
import { requireAccess } from '../acl';
import type { HttpError } from '../http-error';
import { badRequest, notFound } from '../http-error';
import { booleanParam } from '../query';
import { renderAgentService, renderCheck } from '../render';
import { parseJson, readBody } from '../request-body';
import { sendEmpty } from '../respond';
import type { RequestContext, Route } from '../router';
import { checkRegistrationSchema, checkUpdateSchema } from '../schemas/check-schema';
import { serviceRegistrationSchema, toRegistration } from '../schemas/service-schema';
import { validate } from '../validate';
import type { ApiDeps, Listeners } from './deps';
import { filterParam, json, readable } from './helpers';

const BODY_LIMIT = 1024 * 1024;

/** The version of Consul's HTTP API this registry answers like. */
export const CONSUL_API_VERSION = '1.20.0';

const unknownService = (id: string): HttpError =>
  notFound(`Unknown service ID "${id}": pass the service ID, not the service name`);
const unknownCheck = (id: string): HttpError =>
  notFound(`Unknown check ID "${id}": pass the check ID, not the check name`);

async function jsonBody(ctx: RequestContext): Promise<unknown> {
  return parseJson(await readBody(ctx.req, BODY_LIMIT));
}

export function agentRoutes({ store, agent, listeners }: ApiDeps): Route[] {
  const { node } = store;

  /** Writing a check needs write on its service, or on the node for a node check. */
  const requireCheckWrite = (ctx: RequestContext, check: CheckRecord | undefined): void => {
    if (!check) return;
    if (check.serviceId === '') return requireAccess(ctx.acl, 'node', node.name, 'write');
    requireAccess(ctx.acl, 'service', store.service(check.serviceId)?.name ?? '', 'write');
  };
  const mayReadCheck = (ctx: RequestContext) => (check: { ServiceName: string }) =>
    check.ServiceName === ''
      ? ctx.acl.allows('node', node.name, 'read')
      : ctx.acl.allows('service', check.ServiceName, 'read');

  const answerTtl = (ctx: RequestContext, result: TtlUpdate): void => {
    if (result === 'unknown') throw unknownCheck(ctx.param);
    // Consul answers this with a 500; it is the caller's mistake, so here it is a 400.
    if (result === 'not-ttl') throw badRequest(`Check "${ctx.param}" is not a TTL check; only TTL checks take updates`);
    sendEmpty(ctx.res);
  };
  const ttlRoute = (verb: string, status: CheckStatus): Route => ({
    path: `/v1/agent/check/${verb}`,
    prefix: true,
    methods: {
      PUT: (ctx) => {
        requireCheckWrite(ctx, store.check(ctx.param));
        answerTtl(ctx, agent.updateTtl(ctx.param, status, ctx.query.get('note') ?? ''));
      },
    },
  });

  return [
    {
      path: '/v1/agent/self',
      methods: {
        GET: (ctx) => {
          requireAccess(ctx.acl, 'agent', node.name, 'read');
          json(ctx, {
            Config: {
              Datacenter: node.datacenter,
              NodeName: node.name,
              NodeID: node.id,
              Server: true,
              Version: CONSUL_API_VERSION,
              Revision: 'dev-registry',
            },
            // The part of Consul's DebugConfig that says where DNS is served (tools find the port here).
            DebugConfig: dnsDebugConfig(listeners),
            Member: member(node.name, node.address, node.datacenter),
            Meta: { 'consul-network-segment': '' },
          });
        },
      },
    },
    {
      path: '/v1/agent/members',
      methods: {
        GET: (ctx) =>
          json(
            ctx,
            readable(ctx, [member(node.name, node.address, node.datacenter)], (m) =>
              ctx.acl.allows('node', m.Name, 'read'),
            ),
          ),
      },
    },
    {
      path: '/v1/agent/services',
      methods: {
        GET: (ctx) => {
          const filter = filterParam(ctx);
          const managed = store.allServices().filter((s) => s.agentManaged);
          const services = readable(ctx, managed, (s) => ctx.acl.allows('service', s.name, 'read'))
            .map((s) => renderAgentService(s, node.datacenter))
            .filter(filter);
          json(ctx, Object.fromEntries(services.map((s) => [s.ID, s])));
        },
      },
    },
    {
      path: '/v1/agent/service',
      prefix: true,
      methods: {
        GET: (ctx) => {
          const service = store.service(ctx.param);
          if (!service?.agentManaged) throw unknownService(ctx.param);
          requireAccess(ctx.acl, 'service', service.name, 'read');
          json(ctx, renderAgentService(service, node.datacenter));
        },
      },
    },
    {
      path: '/v1/agent/service/register',
      methods: {
        PUT: async (ctx) => {
          const replaceExistingChecks = booleanParam(ctx.query, 'replace-existing-checks');
          const { service, checks } = toRegistration(validate(serviceRegistrationSchema, await jsonBody(ctx)));
          if (service.id === 'consul') throw badRequest('Service ID "consul" is reserved for the registry itself');
          requireAccess(ctx.acl, 'service', service.name, 'write');
          // Taking over an ID needs write on the service that holds it too: a token for one service
          // must not replace another's instance by reusing its ID.
          const holder = store.service(service.id);
          if (holder) requireAccess(ctx.acl, 'service', holder.name, 'write');
          agent.registerService(service, checks, replaceExistingChecks);
          sendEmpty(ctx.res);
        },
      },
    },
    removalRoute(
      '/v1/agent/service/deregister',
      (ctx) => {
        const service = store.service(ctx.param);
        if (service) requireAccess(ctx.acl, 'service', service.name, 'write');
      },
      (id) => agent.deregisterService(id),
      unknownService,
    ),
    {
      path: '/v1/agent/checks',
      methods: {
        GET: (ctx) => {
          const filter = filterParam(ctx);
          const defined = store
            .allChecks()
            .filter((c) => c.definition !== undefined)
            .map((c) => renderCheck(c, store));
          const checks = readable(ctx, defined, mayReadCheck(ctx)).filter(filter);
          json(ctx, Object.fromEntries(checks.map((c) => [c.CheckID, c])));
        },
      },
    },
    {
      path: '/v1/agent/check/register',
      methods: {
        PUT: async (ctx) => {
          const check = validate(checkRegistrationSchema, await jsonBody(ctx));
          const serviceId = check.serviceId ?? '';
          if (serviceId === '') requireAccess(ctx.acl, 'node', node.name, 'write');
          else requireAccess(ctx.acl, 'service', store.service(serviceId)?.name ?? '', 'write');
          requireCheckWrite(ctx, store.check(check.checkId ?? check.name!));
          const record = agent.registerCheck({
            checkId: check.checkId ?? check.name!,
            name: check.name!,
            notes: check.notes,
            serviceId,
            status: check.status,
            definition: check.definition,
          });
          if (!record) throw badRequest(`ServiceID: service "${serviceId}" is not registered`);
          sendEmpty(ctx.res);
        },
      },
    },
    removalRoute(
      '/v1/agent/check/deregister',
      (ctx) => requireCheckWrite(ctx, store.check(ctx.param)),
      (id) => agent.deregisterCheck(id),
      unknownCheck,
    ),
    ttlRoute('pass', 'passing'),
    ttlRoute('warn', 'warning'),
    ttlRoute('fail', 'critical'),
    {
      path: '/v1/agent/check/update',
      prefix: true,
      methods: {
        PUT: async (ctx) => {
          requireCheckWrite(ctx, store.check(ctx.param));
          const update = validate(checkUpdateSchema, await jsonBody(ctx));
          answerTtl(ctx, agent.updateTtl(ctx.param, update.Status, update.Output ?? ''));
        },
      },
    },
  ];
}

/** PUT <path>/:id removing one thing by ID, once `authorize` let it; 404 when there was nothing to remove. */
function removalRoute(
  path: string,
  authorize: (ctx: RequestContext) => void,
  remove: (id: string) => boolean,
  unknown: (id: string) => HttpError,
): Route {
  return {
    path,
    prefix: true,
    methods: {
      PUT: (ctx) => {
        authorize(ctx);
        if (!remove(ctx.param)) throw unknown(ctx.param);
        sendEmpty(ctx.res);
      },
    },
  };
}

function member(name: string, address: string, datacenter: string) {
  return {
    Name: name,
    Addr: address,
    Port: 8301,
    Tags: { role: 'consul', dc: datacenter, bootstrap: '1', build: `${CONSUL_API_VERSION}:dev-registry`, port: '8300' },
    Status: 1,
    ProtocolMin: 1,
    ProtocolMax: 5,
    ProtocolCur: 2,
    DelegateMin: 2,
    DelegateMax: 5,
    DelegateCur: 4,
  };
}

/** Consul's field names for the DNS listeners; empty when DNS is off. */
function dnsDebugConfig(listeners: Listeners) {
  const dns = listeners.dns;
  if (!dns) return { DNSAddrs: [], DNSPort: -1, DNSDomain: 'consul.' };
  const host = dns.host.includes(':') ? `[${dns.host}]` : dns.host;
  return {
    DNSAddrs: [`tcp://${host}:${dns.port}`, `udp://${host}:${dns.port}`],
    DNSPort: dns.port,
    DNSDomain: 'consul.',
  };
}
