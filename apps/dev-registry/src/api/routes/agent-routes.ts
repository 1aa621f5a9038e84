import type { TtlUpdate } from '../../agent/agent';
import type { CheckStatus } from '../../state/types';
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
import { filterParam, json } from './helpers';

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

  const answerTtl = (ctx: RequestContext, result: TtlUpdate): void => {
    if (result === 'unknown') throw unknownCheck(ctx.param);
    // Consul answers this with a 500; it is the caller's mistake, so here it is a 400.
    if (result === 'not-ttl') throw badRequest(`Check "${ctx.param}" is not a TTL check; only TTL checks take updates`);
    sendEmpty(ctx.res);
  };
  const ttlRoute = (verb: string, status: CheckStatus): Route => ({
    path: `/v1/agent/check/${verb}`,
    prefix: true,
    methods: { PUT: (ctx) => answerTtl(ctx, agent.updateTtl(ctx.param, status, ctx.query.get('note') ?? '')) },
  });

  return [
    {
      path: '/v1/agent/self',
      methods: {
        GET: (ctx) =>
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
          }),
      },
    },
    {
      path: '/v1/agent/members',
      methods: { GET: (ctx) => json(ctx, [member(node.name, node.address, node.datacenter)]) },
    },
    {
      path: '/v1/agent/services',
      methods: {
        GET: (ctx) => {
          const filter = filterParam(ctx);
          const services = store
            .allServices()
            .filter((s) => s.agentManaged)
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
          agent.registerService(service, checks, replaceExistingChecks);
          sendEmpty(ctx.res);
        },
      },
    },
    removalRoute('/v1/agent/service/deregister', (id) => agent.deregisterService(id), unknownService),
    {
      path: '/v1/agent/checks',
      methods: {
        GET: (ctx) => {
          const filter = filterParam(ctx);
          const checks = store
            .allChecks()
            .filter((c) => c.definition !== undefined)
            .map((c) => renderCheck(c, store))
            .filter(filter);
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
    removalRoute('/v1/agent/check/deregister', (id) => agent.deregisterCheck(id), unknownCheck),
    ttlRoute('pass', 'passing'),
    ttlRoute('warn', 'warning'),
    ttlRoute('fail', 'critical'),
    {
      path: '/v1/agent/check/update',
      prefix: true,
      methods: {
        PUT: async (ctx) => {
          const update = validate(checkUpdateSchema, await jsonBody(ctx));
          answerTtl(ctx, agent.updateTtl(ctx.param, update.Status, update.Output ?? ''));
        },
      },
    },
  ];
}

/** PUT <path>/:id removing one thing by ID; 404 when there was nothing to remove. */
function removalRoute(path: string, remove: (id: string) => boolean, unknown: (id: string) => HttpError): Route {
  return {
    path,
    prefix: true,
    methods: {
      PUT: (ctx) => {
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
