import { z } from 'zod';

/** What a rule grants. `deny` wins over everything when policies are merged, as in Consul. */
export type Access = 'deny' | 'read' | 'write';
/** The resources this registry's API touches, named as in Consul's rule language. */
export type Resource = 'service' | 'key' | 'node' | 'agent';
/** Resources without a name segment. */
export type GlobalResource = 'acl' | 'operator';

const access = z.enum(['deny', 'read', 'write']);
const segmentRules = z.record(z.string(), z.object({ policy: access }).strict());

/**
 * Consul's rule language in its JSON form (what `consul acl policy create -rules` takes), for the
 * resources this registry serves: `{"service": {"web": {"policy": "write"}}, "key_prefix": {"config/":
 * {"policy": "read"}}, "acl": "write"}`. Unknown resources are refused rather than silently ignored.
 */
export const rulesSchema = z
  .object({
    service: segmentRules.optional(),
    service_prefix: segmentRules.optional(),
    key: segmentRules.optional(),
    key_prefix: segmentRules.optional(),
    node: segmentRules.optional(),
    node_prefix: segmentRules.optional(),
    agent: segmentRules.optional(),
    agent_prefix: segmentRules.optional(),
    acl: access.optional(),
    operator: access.optional(),
  })
  .strict();
export type Rules = z.infer<typeof rulesSchema>;

const PRECEDENCE: Record<Access, number> = { read: 1, write: 2, deny: 3 };
const RESOURCES: readonly Resource[] = ['service', 'key', 'node', 'agent'];

interface Table {
  exact: Map<string, Access>;
  /** Longest prefix first, so the first match is the most specific. */
  prefixes: Array<[string, Access]>;
}

/** Grants `wanted`? A write rule also grants read; deny grants nothing. */
const grants = (rule: Access | undefined, wanted: 'read' | 'write'): boolean =>
  rule === 'write' || (rule === 'read' && wanted === 'read');

/**
 * Several policies merged into one decision table. For a name the exact rule wins, then the longest
 * prefix; where two policies set the same segment the stronger one wins, deny strongest. Nothing
 * matching means no access: the registry's default policy is deny.
 */
export class CompiledRules {
  private readonly tables = new Map<Resource, Table>();
  private readonly globals = new Map<GlobalResource, Access>();

  constructor(all: readonly Rules[]) {
    for (const resource of RESOURCES) {
      const exact = new Map<string, Access>();
      const prefixes = new Map<string, Access>();
      for (const rules of all) {
        merge(exact, rules[resource]);
        merge(prefixes, rules[`${resource}_prefix`]);
      }
      this.tables.set(resource, { exact, prefixes: [...prefixes].sort(([a], [b]) => b.length - a.length) });
    }
    for (const resource of ['acl', 'operator'] as const) {
      for (const rules of all) {
        const rule = rules[resource];
        const held = this.globals.get(resource);
        if (rule && (!held || PRECEDENCE[rule] > PRECEDENCE[held])) this.globals.set(resource, rule);
      }
    }
  }

  /** May `name` of `resource` be read / written? */
  allows(resource: Resource, name: string, wanted: 'read' | 'write'): boolean {
    const table = this.tables.get(resource)!;
    const rule = table.exact.get(name) ?? table.prefixes.find(([prefix]) => name.startsWith(prefix))?.[1];
    return grants(rule, wanted);
  }

  /**
   * May everything whose name starts with `prefix` be read / written? The rule governing the prefix
   * must grant it and no more specific rule beneath may take it away (Consul's check for a
   * recursive delete).
   */
  allowsAllUnder(resource: Resource, prefix: string, wanted: 'read' | 'write'): boolean {
    const table = this.tables.get(resource)!;
    const governing = table.prefixes.find(([p]) => prefix.startsWith(p))?.[1];
    if (!grants(governing, wanted)) return false;
    const beneath = [...table.exact, ...table.prefixes].filter(([name]) => name.startsWith(prefix));
    return beneath.every(([, rule]) => grants(rule, wanted));
  }

  allowsGlobal(resource: GlobalResource, wanted: 'read' | 'write'): boolean {
    return grants(this.globals.get(resource), wanted);
  }
}

function merge(into: Map<string, Access>, rules: Record<string, { policy: Access }> | undefined): void {
  for (const [segment, { policy }] of Object.entries(rules ?? {})) {
    const held = into.get(segment);
    if (!held || PRECEDENCE[policy] > PRECEDENCE[held]) into.set(segment, policy);
  }
}

/**
 * What Consul's service identity grants a token: write on its own service name (and its sidecar),
 * read on every service and node, so that it can register itself and discover the others.
 */
export function serviceIdentityRules(serviceName: string): Rules {
  return {
    service: { [serviceName]: { policy: 'write' }, [`${serviceName}-sidecar-proxy`]: { policy: 'write' } },
    service_prefix: { '': { policy: 'read' } },
    node_prefix: { '': { policy: 'read' } },
  };
}
