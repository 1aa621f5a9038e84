import type { IncomingHttpHeaders } from 'node:http';
import type { ServiceInstance } from '@lab/discovery';
import type { RoutingRules, ServiceRouting, StringMatch } from './routing-rules';

/** How a request's instance is chosen once the rules have spoken: the gateway's InstanceChooser fits. */
export interface SubsetChooser {
  pick(exclude?: readonly string[], accept?: (instance: ServiceInstance) => boolean): ServiceInstance | undefined;
}

/** The instance chooser of one request. */
export interface RequestChooser {
  /** The next instance to try (passing over `exclude`), or undefined when none is left. */
  pick(exclude?: readonly string[]): ServiceInstance | undefined;
  /** Why there is none, for the 503: the service, and the subsets the rule allowed. */
  readonly unavailable: string;
}

interface CompiledSubset {
  readonly name: string;
  readonly accepts: (instance: ServiceInstance) => boolean;
}

interface CompiledRule {
  readonly name: string;
  /** Undefined: matches every request. */
  readonly matches: ((headers: IncomingHttpHeaders) => boolean) | undefined;
  /** Destinations with a weight above 0; weights add up to 100 (a lone destination has 100). */
  readonly destinations: readonly { subset: CompiledSubset; weight: number }[];
  /** The 503's detail when none of the rule's subsets has an instance; built once, not per request. */
  readonly unavailable: string;
}

function compileStringMatch(m: StringMatch): (value: string) => boolean {
  if (m.exact !== undefined) {
    const exact = m.exact;
    return (value) => value === exact;
  }
  if (m.prefix !== undefined) {
    const prefix = m.prefix;
    return (value) => value.startsWith(prefix);
  }
  // Istio's regex must match the whole value (RE2); anchored here the same way.
  const regex = new RegExp(`^(?:${m.regex})$`);
  return (value) => regex.test(value);
}

/** A header sent several times counts as its values joined with ", " (RFC 9110 §5.3), as Envoy sees it. */
function headerValue(headers: IncomingHttpHeaders, name: string): string | undefined {
  const value = headers[name];
  return Array.isArray(value) ? value.join(', ') : value;
}

function compileService(service: string, rules: ServiceRouting): CompiledRule[] {
  const subsets = new Map<string, CompiledSubset>();
  for (const { name, labels } of rules.subsets) {
    const wanted = Object.entries(labels);
    subsets.set(name, { name, accepts: (instance) => wanted.every(([key, value]) => instance.meta[key] === value) });
  }
  return rules.http.map((rule, index) => {
    const alternatives = rule.match?.map((m) => {
      const checks = Object.entries(m.headers).map(([name, match]) => {
        const test = compileStringMatch(match);
        return (headers: IncomingHttpHeaders) => {
          const value = headerValue(headers, name);
          return value !== undefined && test(value);
        };
      });
      return (headers: IncomingHttpHeaders) => checks.every((check) => check(headers));
    });
    const name = rule.name ?? `rule ${index + 1}`;
    const destinations = rule.route
      .map((d) => ({ subset: subsets.get(d.destination.subset)!, weight: d.weight ?? 100 }))
      .filter((d) => d.weight > 0);
    return {
      name,
      matches: alternatives && ((headers) => alternatives.some((matches) => matches(headers))),
      destinations,
      unavailable: `No healthy instance of ${service} in subset ${destinations
        .map((d) => d.subset.name)
        .join(' or ')} (route "${name}")`,
    };
  });
}

/**
 * The gateway's version-aware routing, Istio's way: the first rule whose match holds (header
 * exact/prefix/regex) routes the request, to one of its destinations drawn by weight. Rules are
 * compiled once per configuration change, so a request costs a few string compares and one
 * random draw.
 *
 * Where Istio and this differ, on purpose: when the drawn subset has no usable instance, the
 * request goes to the rule's other destinations (by weight) instead of failing, so a stack with
 * no v2 running keeps serving every request from v1; only when none of the rule's subsets has an
 * instance is the answer a 503, which is what Istio answers ("no healthy upstream") for an empty
 * subset. A weight of 0 is never used, not even as a fallback.
 */
export class VersionRouter {
  private rules = new Map<string, CompiledRule[]>();
  private readonly plain = new Map<SubsetChooser, RequestChooser>();

  constructor(private readonly random: () => number = Math.random) {}

  /** Replaces the rules in force; called with rules the configuration schema already accepted. */
  update(rules: RoutingRules): void {
    this.rules = new Map(Object.entries(rules).map(([service, r]) => [service, compileService(service, r)]));
  }

  /** Services that have rules now. */
  routedServices(): string[] {
    return [...this.rules.keys()];
  }

  /** The rule and the subsets, in the order they will be tried, for one request to `service`. */
  plan(service: string, headers: IncomingHttpHeaders): { rule: string; subsets: string[] } | undefined {
    const planned = this.decide(service, headers);
    return planned && { rule: planned.rule.name, subsets: planned.order.map((s) => s.name) };
  }

  /** The chooser for one request to `service`: the rules decide which subsets it picks from. */
  forRequest(chooser: SubsetChooser, service: string, headers: IncomingHttpHeaders): RequestChooser {
    const planned = this.decide(service, headers);
    if (planned === undefined) return this.plainChooser(chooser, service);
    const { rule, order } = planned;
    return {
      pick(exclude) {
        for (const subset of order) {
          const instance = chooser.pick(exclude, subset.accepts);
          if (instance !== undefined) return instance;
        }
        return undefined;
      },
      unavailable: rule.unavailable,
    };
  }

  private decide(
    service: string,
    headers: IncomingHttpHeaders,
  ): { rule: CompiledRule; order: CompiledSubset[] } | undefined {
    const rules = this.rules.get(service);
    if (rules === undefined) return undefined;
    // Validation makes the last rule match everything, so one always routes.
    const rule = rules.find((r) => r.matches === undefined || r.matches(headers))!;
    return { rule, order: this.drawOrder(rule.destinations) };
  }

  /** Destinations in the order to try them: drawn by weight, then the rest by weight again. */
  private drawOrder(destinations: CompiledRule['destinations']): CompiledSubset[] {
    if (destinations.length <= 1) return destinations.map((d) => d.subset);
    const left = [...destinations];
    const order: CompiledSubset[] = [];
    while (left.length > 1) {
      const total = left.reduce((sum, d) => sum + d.weight, 0);
      let ticket = this.random() * total;
      let index = left.findIndex((d) => (ticket -= d.weight) < 0);
      if (index < 0) index = left.length - 1; // random() * total rounding up to total
      order.push(left[index].subset);
      left.splice(index, 1);
    }
    order.push(left[0].subset);
    return order;
  }

  /** A service without rules: any healthy instance, one shared object per chooser. */
  private plainChooser(chooser: SubsetChooser, service: string): RequestChooser {
    let plain = this.plain.get(chooser);
    if (plain === undefined) {
      plain = { pick: (exclude) => chooser.pick(exclude), unavailable: `No healthy instance of ${service}` };
      this.plain.set(chooser, plain);
    }
    return plain;
  }
}
