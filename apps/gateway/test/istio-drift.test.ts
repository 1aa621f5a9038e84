import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parse, parseAllDocuments } from 'yaml';
import { routingSchema, type RoutingRules } from '../src/version-routing';
import { gatewayRoutes, routedServices } from '../src/routes';

/**
 * The gateway's version-aware routing (config/gateway) and the mesh's (k8s/istio/mesh) are the same
 * rules in two places: without a cluster the gateway applies them, in Kubernetes Istio does. This
 * keeps them equal — match, destinations, weights and subsets — for every service the gateway has
 * rules for. What only the mesh does (timeouts, retries, hosts, load balancing) is left out.
 */
const root = path.resolve(__dirname, '../../..');

interface Resource {
  kind: string;
  metadata: { name: string };
  spec: Record<string, unknown>;
}

function resources(file: string): Resource[] {
  return parseAllDocuments(readFileSync(path.join(root, file), 'utf8')).map((d) => d.toJS() as Resource);
}

/** What the gateway's rules say, in the terms both share. */
interface Routing {
  subsets: { name: string; labels: Record<string, string> }[];
  http: { match?: unknown[]; route: { subset: string; weight: number }[] }[];
}

function fromGateway(rules: RoutingRules[string]): Routing {
  return {
    subsets: rules.subsets.map(({ name, labels }) => ({ name, labels })),
    http: rules.http.map((rule) => ({
      ...(rule.match && { match: rule.match }),
      route: rule.route.map((d) => ({ subset: d.destination.subset, weight: d.weight ?? 100 })),
    })),
  };
}

/** The same from a VirtualService and DestinationRule pair. */
function fromIstio(service: Resource, destinations: Resource): Routing {
  const http = service.spec.http as {
    match?: unknown[];
    route: { destination: { subset: string }; weight?: number }[];
  }[];
  return {
    subsets: (destinations.spec.subsets as Routing['subsets']).map(({ name, labels }) => ({ name, labels })),
    http: http.map((rule) => ({
      ...(rule.match && { match: rule.match }),
      route: rule.route.map((d) => ({ subset: d.destination.subset, weight: d.weight ?? 100 })),
    })),
  };
}

const gatewayRules: RoutingRules = routingSchema(routedServices(gatewayRoutes)).parse(
  parse(readFileSync(path.join(root, 'config/gateway/default.yaml'), 'utf8')).routing,
);
const virtualServices = resources('k8s/istio/mesh/virtual-services.yaml').filter((r) => r.kind === 'VirtualService');
const destinationRules = resources('k8s/istio/mesh/destination-rules.yaml').filter((r) => r.kind === 'DestinationRule');

function istioFor(service: string): Routing {
  const vs = virtualServices.find((r) => r.metadata.name === service);
  const dr = destinationRules.find((r) => r.metadata.name === service);
  if (vs === undefined || dr === undefined)
    throw new Error(`k8s/istio has no VirtualService or DestinationRule for ${service}`);
  return fromIstio(vs, dr);
}

describe('version routing: config/gateway and k8s/istio agree', () => {
  it('ships the course canary for product-service', () => {
    expect(fromGateway(gatewayRules['product-service'])).toEqual({
      subsets: [
        { name: 'v1', labels: { version: 'v1' } },
        { name: 'v2', labels: { version: 'v2' } },
      ],
      http: [
        { match: [{ headers: { canary: { exact: 'true' } } }], route: [{ subset: 'v2', weight: 100 }] },
        {
          route: [
            { subset: 'v1', weight: 90 },
            { subset: 'v2', weight: 10 },
          ],
        },
      ],
    });
  });

  it.each(Object.keys(gatewayRules))('has the same rules for %s in both places', (service) => {
    expect(fromGateway(gatewayRules[service])).toEqual(istioFor(service));
  });

  it('would notice a weight, a match or a subset that differs', () => {
    const ours = fromGateway(gatewayRules['product-service']);
    const theirs = istioFor('product-service');
    const changed = structuredClone(theirs);
    changed.http[1].route[1].weight = 20;
    expect(ours).not.toEqual(changed);
    const otherMatch = structuredClone(theirs);
    otherMatch.http[0].match = [{ headers: { canary: { prefix: 'true' } } }];
    expect(ours).not.toEqual(otherMatch);
    const otherLabels = structuredClone(theirs);
    otherLabels.subsets[1].labels = { version: 'v3' };
    expect(ours).not.toEqual(otherLabels);
  });
});
