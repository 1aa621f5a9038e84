// The registration body, as Eureka clients write it. JSON and XML arrive in one shape (the XML
// reader maps attributes to `@name` and text to `$`, as Eureka's JSON codec names them), so one
// schema reads both. Lenient where real clients differ: numbers and booleans may come as strings,
// a port may be `{"$": 8080, "@enabled": "true"}` or a bare number, and `overriddenstatus` (the XML
// spelling) is read beside `overriddenStatus`.
import { z } from 'zod';
import { INSTANCE_STATUSES, type EurekaInstanceInput } from './eureka-types';

const text = z.union([z.string(), z.number()]).transform(String);
const optionalText = text.optional().transform((v) => v ?? '');

const wholeNumber = (what: string) =>
  z
    .union([
      z.number(),
      z
        .string()
        .trim()
        .regex(/^-?\d+$/, `must be ${what}`)
        .transform(Number),
    ])
    .refine(Number.isSafeInteger, `must be ${what}`);

const booleanText = z.union([
  z.boolean(),
  z.enum(['true', 'false'], { error: 'must be true or false' }).transform((v) => v === 'true'),
]);

const status = z
  .string()
  .transform((v) => v.toUpperCase())
  .pipe(z.enum(INSTANCE_STATUSES, { error: `must be one of ${INSTANCE_STATUSES.join(', ')}` }));

const portNumber = wholeNumber('a port number from 0 to 65535').refine(
  (n) => n >= 0 && n <= 65535,
  'must be a port number from 0 to 65535',
);

/** `{"$": 8080, "@enabled": "true"}`, or a bare number (enabled). */
const port = (enabledByDefault: boolean) =>
  z
    .union(
      [
        portNumber.transform((n) => ({ port: n, enabled: enabledByDefault })),
        z.object({ $: portNumber, '@enabled': booleanText.optional() }).transform((p) => ({
          port: p.$,
          enabled: p['@enabled'] ?? enabledByDefault,
        })),
      ],
      { error: 'must be {"$": <port from 0 to 65535>, "@enabled": "true"|"false"} or a port number' },
    )
    .optional();

/** String values only; `@class` (Eureka's marker for an empty Java map) is not metadata. */
const stringMap = z
  .record(z.string(), z.union([z.string(), z.number(), z.boolean()]))
  .optional()
  .transform((map) =>
    Object.fromEntries(
      Object.entries(map ?? {})
        .filter(([key]) => key !== '@class')
        .map(([key, value]) => [key, String(value)]),
    ),
  );

// An empty XML element (<metadata/>) reads as ''.
const emptyAsUndefined = (value: unknown): unknown => (value === '' ? undefined : value);

// A lease's seconds; Jackson writes the server-side timestamps too (0 from a client), which are ignored.
const leaseSeconds = wholeNumber('a whole number of seconds').refine((n) => n > 0, 'must be above 0');

/** Jackson writes absent fields as null (`"appGroupName": null`); they mean "not given". */
const dropNulls = (value: unknown): unknown =>
  value !== null && typeof value === 'object' && !Array.isArray(value)
    ? Object.fromEntries(Object.entries(value).filter(([, v]) => v !== null))
    : value;

export const instanceSchema = z.preprocess(
  dropNulls,
  z.object(
    {
      instanceId: optionalText,
      app: z
        .string({ error: 'is required' })
        .trim()
        .min(1, 'must not be empty')
        .transform((v) => v.toUpperCase()),
      appGroupName: text.optional(),
      hostName: z.string({ error: 'is required' }).trim().min(1, 'must not be empty'),
      ipAddr: z.string({ error: 'is required' }).trim().min(1, 'must not be empty'),
      status: status.optional().default('UP'),
      overriddenStatus: status.optional(),
      overriddenstatus: status.optional(),
      port: port(true),
      securePort: port(false),
      countryId: wholeNumber('a whole number').optional().default(1),
      dataCenterInfo: z.object(
        {
          '@class': z.string().optional(),
          name: z.string({ error: 'is required' }).min(1, 'must not be empty'),
          metadata: z.preprocess(emptyAsUndefined, stringMap),
        },
        {
          error:
            'is required (e.g. {"@class": "com.netflix.appinfo.InstanceInfo$DefaultDataCenterInfo", "name": "MyOwn"})',
        },
      ),
      leaseInfo: z.preprocess(
        emptyAsUndefined,
        z
          .preprocess(
            dropNulls,
            z.object({ renewalIntervalInSecs: leaseSeconds.optional(), durationInSecs: leaseSeconds.optional() }),
          )
          .optional(),
      ),
      metadata: z.preprocess(emptyAsUndefined, stringMap),
      homePageUrl: optionalText,
      statusPageUrl: optionalText,
      healthCheckUrl: optionalText,
      secureHealthCheckUrl: optionalText,
      vipAddress: optionalText,
      secureVipAddress: optionalText,
      lastDirtyTimestamp: wholeNumber('a time in milliseconds').optional(),
    },
    {
      error: (issue) =>
        issue.input === undefined ? 'is required: the body is {"instance": {...}}' : 'must be an object',
    },
  ),
);

/** The registration body: `{"instance": {...}}` (the wrapper Eureka's codecs write and read). */
export const registrationSchema = z.object(
  {
    instance: instanceSchema,
  },
  { error: 'the body must be {"instance": {...}}' },
);

/**
 * The validated instance, with Eureka's defaults filled in: the instance ID falls back to the
 * host name (Eureka's rule outside AWS) and the lease to the server's default.
 */
export function toInstanceInput(
  b: z.output<typeof instanceSchema>,
  defaultLeaseDurationSecs: number,
): EurekaInstanceInput {
  const dataCenterMetadata = b.dataCenterInfo.metadata;
  const amazonId = b.dataCenterInfo.name === 'Amazon' ? dataCenterMetadata['instance-id'] : undefined;
  return {
    instanceId: b.instanceId || amazonId || b.hostName,
    app: b.app,
    ...(b.appGroupName === undefined ? {} : { appGroupName: b.appGroupName }),
    hostName: b.hostName,
    ipAddr: b.ipAddr,
    status: b.status,
    overriddenStatus: b.overriddenStatus ?? b.overriddenstatus ?? 'UNKNOWN',
    port: b.port ?? { port: 7001, enabled: false },
    securePort: b.securePort ?? { port: 7002, enabled: false },
    countryId: b.countryId,
    dataCenterInfo: {
      className: b.dataCenterInfo['@class'] ?? 'com.netflix.appinfo.InstanceInfo$DefaultDataCenterInfo',
      name: b.dataCenterInfo.name,
      ...(Object.keys(dataCenterMetadata).length > 0 ? { metadata: dataCenterMetadata } : {}),
    },
    leaseInfo: {
      renewalIntervalInSecs: b.leaseInfo?.renewalIntervalInSecs ?? 30,
      durationInSecs: b.leaseInfo?.durationInSecs ?? defaultLeaseDurationSecs,
    },
    metadata: b.metadata,
    homePageUrl: b.homePageUrl,
    statusPageUrl: b.statusPageUrl,
    healthCheckUrl: b.healthCheckUrl,
    secureHealthCheckUrl: b.secureHealthCheckUrl,
    vipAddress: b.vipAddress,
    secureVipAddress: b.secureVipAddress,
    lastDirtyTimestamp: b.lastDirtyTimestamp ?? 0,
  };
}
