import { z } from 'zod';

/**
 * Version-aware routing rules in the shape of Istio's VirtualService `http` routes and
 * DestinationRule `subsets`, so the same rules read the same in `config/gateway` and in
 * `k8s/istio` (a test keeps the two equivalent). Per routed service:
 *
 *   subsets: [{ name: v1, labels: { version: v1 } }, { name: v2, labels: { version: v2 } }]
 *   http:
 *     - name: canary
 *       match: [{ headers: { canary: { exact: "true" } } }]
 *       route: [{ destination: { subset: v2 }, weight: 100 }]
 *     - name: stable
 *       route: [{ destination: { subset: v1 }, weight: 90 }, { destination: { subset: v2 }, weight: 10 }]
 *
 * A subset's labels are matched against the instance's registry metadata (`meta.version`, which
 * every instance registers from SERVICE_VERSION). Rules are tried in order; the first whose match
 * holds routes the request. Everything is checked before it applies: a rule that fails is refused
 * whole by the live configuration and the rules in force stay.
 */

/** Istio's StringMatch: exactly one of exact, prefix or regex (RE2 there, a full match in both). */
const stringMatch = z
  .strictObject({
    exact: z.string().optional(),
    prefix: z.string().optional(),
    regex: z.string().optional(),
  })
  .refine((m) => [m.exact, m.prefix, m.regex].filter((v) => v !== undefined).length === 1, {
    message: 'expected exactly one of exact, prefix or regex',
  })
  .refine((m) => m.regex === undefined || compiles(m.regex), {
    message: 'not a valid regular expression',
    path: ['regex'],
  });

function compiles(pattern: string): boolean {
  try {
    new RegExp(pattern);
    return true;
  } catch {
    return false;
  }
}

/** Header names as HTTP/2 and Node give them: lower case. Istio refuses upper case names too. */
const headerName = z.string().regex(/^[a-z0-9!#$%&'*+.^_`|~-]+$/, 'expected a lower-case header name');

/** One HTTPMatchRequest: every header listed must match (AND); a rule's `match` list is an OR. */
const matchRequest = z.strictObject({
  headers: z.record(headerName, stringMatch).refine((h) => Object.keys(h).length > 0, {
    message: 'expected at least one header',
  }),
});

const destination = z.strictObject({
  /** Optional as in Istio; when given, it must name the service the rules are for. */
  host: z.string().min(1).optional(),
  subset: z.string().min(1),
});

const routeDestination = z.strictObject({
  destination,
  /** Share of the requests in percent; may be left out when the route has one destination. */
  weight: z.number().int().min(0).max(100).optional(),
});

const httpRoute = z
  .strictObject({
    name: z.string().min(1).optional(),
    match: z.array(matchRequest).min(1).optional(),
    route: z.array(routeDestination).min(1),
  })
  .superRefine((rule, ctx) => {
    const weights = rule.route.map((d) => d.weight);
    if (rule.route.length === 1 && (weights[0] === undefined || weights[0] === 100)) return;
    if (weights.some((w) => w === undefined)) {
      ctx.addIssue({
        code: 'custom',
        path: ['route'],
        message: 'every destination needs a weight when there are several',
      });
      return;
    }
    const total = weights.reduce<number>((sum, w) => sum + (w ?? 0), 0);
    if (total !== 100)
      ctx.addIssue({ code: 'custom', path: ['route'], message: `weights add up to ${total}, not 100` });
  });

const subset = z.strictObject({
  name: z.string().min(1),
  labels: z.record(z.string().min(1), z.string()).refine((l) => Object.keys(l).length > 0, {
    message: 'expected at least one label',
  }),
});

/** The rules for one service. */
export const serviceRoutingSchema = z
  .strictObject({
    subsets: z.array(subset).min(1),
    http: z.array(httpRoute).min(1),
  })
  .superRefine((rules, ctx) => {
    const names = new Set<string>();
    rules.subsets.forEach((s, i) => {
      if (names.has(s.name)) ctx.addIssue({ code: 'custom', path: ['subsets', i, 'name'], message: 'defined twice' });
      names.add(s.name);
    });
    rules.http.forEach((rule, i) => {
      rule.route.forEach((d, j) => {
        if (!names.has(d.destination.subset))
          ctx.addIssue({
            code: 'custom',
            path: ['http', i, 'route', j, 'destination', 'subset'],
            message: `no subset named "${d.destination.subset}" (one of ${[...names].join(', ')})`,
          });
      });
    });
    // Istio answers 404 to a request no rule matches; here every request must find a route.
    if (rules.http.at(-1)?.match !== undefined)
      ctx.addIssue({
        code: 'custom',
        path: ['http', rules.http.length - 1],
        message: 'the last rule must have no match, so that every request finds a route',
      });
  });

export type ServiceRouting = z.output<typeof serviceRoutingSchema>;
export type HttpRoute = ServiceRouting['http'][number];
export type StringMatch = z.output<typeof stringMatch>;

/**
 * `routing.<service>` for the services the gateway routes to: a name it does not route is refused
 * (a typo would otherwise leave the rules silently unused). A service without rules is served by
 * any of its healthy instances.
 */
export function routingSchema(services: readonly string[]) {
  return z
    .record(z.string(), serviceRoutingSchema)
    .superRefine((byService, ctx) => {
      for (const [service, rules] of Object.entries(byService)) {
        if (!services.includes(service))
          ctx.addIssue({
            code: 'custom',
            path: [service],
            message: `the gateway routes no service "${service}" (one of ${services.join(', ')})`,
          });
        rules.http.forEach((rule, i) =>
          rule.route.forEach((d, j) => {
            if (d.destination.host !== undefined && d.destination.host !== service)
              ctx.addIssue({
                code: 'custom',
                path: [service, 'http', i, 'route', j, 'destination', 'host'],
                message: `expected "${service}" or no host`,
              });
          }),
        );
      }
    })
    .default({});
}

export type RoutingRules = Record<string, ServiceRouting>;
