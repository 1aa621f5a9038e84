import { routingSchema, type ServiceRouting } from './routing-rules';

const schema = routingSchema(['product-service', 'order-service']);

/** The course's canary rules, as config/gateway ships them. */
const canary: ServiceRouting = {
  subsets: [
    { name: 'v1', labels: { version: 'v1' } },
    { name: 'v2', labels: { version: 'v2' } },
  ],
  http: [
    {
      name: 'canary',
      match: [{ headers: { canary: { exact: 'true' } } }],
      route: [{ destination: { subset: 'v2' }, weight: 100 }],
    },
    {
      name: 'stable',
      route: [
        { destination: { subset: 'v1' }, weight: 90 },
        { destination: { subset: 'v2' }, weight: 10 },
      ],
    },
  ],
};

/** The issues zod reports for `routing.product-service` = `rules`, as `path: message`. */
function issues(rules: unknown, service = 'product-service'): string[] {
  const result = schema.safeParse({ [service]: rules });
  return result.success ? [] : result.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
}

/** The canary rules with the stable rule's destinations replaced. */
const stableRoute = (route: unknown) => ({ ...canary, http: [canary.http[0], { name: 'stable', route }] });

describe('routing rules', () => {
  it('accepts the course canary, a lone destination without a weight, and no rules at all', () => {
    expect(issues(canary)).toEqual([]);
    expect(issues({ subsets: canary.subsets, http: [{ route: [{ destination: { subset: 'v1' } }] }] })).toEqual([]);
    expect(schema.parse(undefined)).toEqual({});
  });

  it('accepts prefix and regex header matches and a destination host naming the service', () => {
    const rules = {
      ...canary,
      http: [
        {
          match: [{ headers: { 'x-user': { prefix: 'beta-' } } }, { headers: { 'x-group': { regex: 'qa|staff' } } }],
          route: [{ destination: { host: 'product-service', subset: 'v2' } }],
        },
        canary.http[1],
      ],
    };
    expect(issues(rules)).toEqual([]);
  });

  it.each<[string, unknown, RegExp]>([
    [
      'weights that do not add up to 100',
      stableRoute([
        { destination: { subset: 'v1' }, weight: 90 },
        { destination: { subset: 'v2' }, weight: 20 },
      ]),
      /http\.1\.route: weights add up to 110, not 100/,
    ],
    [
      'a missing weight among several',
      stableRoute([{ destination: { subset: 'v1' } }, { destination: { subset: 'v2' }, weight: 10 }]),
      /needs a weight/,
    ],
    [
      'a negative weight',
      stableRoute([
        { destination: { subset: 'v1' }, weight: 110 },
        { destination: { subset: 'v2' }, weight: -10 },
      ]),
      /weight/,
    ],
    [
      'a subset that is not defined',
      stableRoute([{ destination: { subset: 'v3' }, weight: 100 }]),
      /destination\.subset: no subset named "v3"/,
    ],
    [
      'a regex that does not compile',
      {
        ...canary,
        http: [
          { match: [{ headers: { canary: { regex: '(' } } }], route: [{ destination: { subset: 'v2' } }] },
          canary.http[1],
        ],
      },
      /regex: not a valid regular expression/,
    ],
    [
      'two kinds of match at once',
      {
        ...canary,
        http: [
          {
            match: [{ headers: { canary: { exact: 'true', prefix: 't' } } }],
            route: [{ destination: { subset: 'v2' } }],
          },
          canary.http[1],
        ],
      },
      /exactly one of exact, prefix or regex/,
    ],
    [
      'an upper-case header name',
      {
        ...canary,
        http: [
          { match: [{ headers: { Canary: { exact: 'true' } } }], route: [{ destination: { subset: 'v2' } }] },
          canary.http[1],
        ],
      },
      /headers\.Canary: Invalid key in record/,
    ],
    [
      'a last rule that does not match everything',
      { ...canary, http: [canary.http[0]] },
      /the last rule must have no match/,
    ],
    [
      'a field Istio has but the gateway does not do',
      { ...canary, http: [{ ...canary.http[1], timeout: '3s' }] },
      /Unrecognized key: "timeout"/,
    ],
    [
      'a subset defined twice',
      { ...canary, subsets: [...canary.subsets, { name: 'v1', labels: { version: 'v3' } }] },
      /subsets\.2\.name: defined twice/,
    ],
    [
      'a host other than the service',
      stableRoute([{ destination: { host: 'order-service', subset: 'v1' } }]),
      /host: expected "product-service" or no host/,
    ],
  ])('refuses %s, naming the field', (_what, rules, message) => {
    expect(issues(rules).join('\n')).toMatch(message);
  });

  it('refuses rules for a service the gateway does not route', () => {
    expect(issues(canary, 'produkt-service')).toEqual([
      'produkt-service: the gateway routes no service "produkt-service" (one of product-service, order-service)',
    ]);
  });
});
