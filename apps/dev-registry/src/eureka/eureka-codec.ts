// Eureka's wire shapes, JSON and XML. The JSON is Eureka's own dialect: attributes become `@name`
// fields and element text `$` (`"port": {"$": 8080, "@enabled": "true"}`), timestamps are strings
// and an empty metadata map is `{"@class": "java.util.Collections$EmptyMap"}`. Written as one object
// tree, so the XML is the same tree through fast-xml-parser with `@` attributes and `$` text.
import { XMLBuilder, XMLParser, XMLValidator } from 'fast-xml-parser';
import type { Applications } from './eureka-registry';
import type { EurekaInstance } from './eureka-types';

export type EurekaFormat = 'json' | 'xml';

const EMPTY_MAP_CLASS = 'java.util.Collections$EmptyMap';

const TREE_OPTIONS = { ignoreAttributes: false, attributeNamePrefix: '@', textNodeName: '$' } as const;

// Attribute values are always written out (`enabled="true"`, never a bare `enabled`).
const builder = new XMLBuilder({ ...TREE_OPTIONS, suppressEmptyNode: true, suppressBooleanAttributes: false });

const parser = new XMLParser({
  ...TREE_OPTIONS,
  // Values stay text; the schema decides what is a number, as it does for JSON.
  parseTagValue: false,
  parseAttributeValue: false,
  trimValues: true,
  // Entities are not expanded: a registration has no use for them, and expansion is an attack surface.
  processEntities: false,
});

/** The instance as Eureka's JSON codec writes it. */
export function instanceTree(instance: EurekaInstance, format: EurekaFormat): Record<string, unknown> {
  const port = (p: { port: number; enabled: boolean }) => ({ $: p.port, '@enabled': String(p.enabled) });
  const metadata = Object.keys(instance.metadata).length === 0 ? { '@class': EMPTY_MAP_CLASS } : instance.metadata;
  return {
    instanceId: instance.instanceId,
    hostName: instance.hostName,
    app: instance.app,
    ...(instance.appGroupName === undefined ? {} : { appGroupName: instance.appGroupName }),
    ipAddr: instance.ipAddr,
    status: instance.effectiveStatus,
    // The XML codec spells it in lower case; the JSON codec in camel case.
    [format === 'xml' ? 'overriddenstatus' : 'overriddenStatus']: instance.overriddenStatus,
    port: port(instance.port),
    securePort: port(instance.securePort),
    countryId: instance.countryId,
    dataCenterInfo: {
      '@class': instance.dataCenterInfo.className,
      name: instance.dataCenterInfo.name,
      ...(instance.dataCenterInfo.metadata ? { metadata: instance.dataCenterInfo.metadata } : {}),
    },
    leaseInfo: {
      renewalIntervalInSecs: instance.leaseInfo.renewalIntervalInSecs,
      durationInSecs: instance.leaseInfo.durationInSecs,
      registrationTimestamp: instance.lease.registrationTimestamp,
      lastRenewalTimestamp: instance.lease.lastRenewalTimestamp,
      evictionTimestamp: instance.lease.evictionTimestamp,
      serviceUpTimestamp: instance.lease.serviceUpTimestamp,
    },
    metadata,
    homePageUrl: instance.homePageUrl,
    statusPageUrl: instance.statusPageUrl,
    healthCheckUrl: instance.healthCheckUrl,
    ...(instance.secureHealthCheckUrl ? { secureHealthCheckUrl: instance.secureHealthCheckUrl } : {}),
    vipAddress: instance.vipAddress,
    secureVipAddress: instance.secureVipAddress,
    isCoordinatingDiscoveryServer: 'false',
    lastUpdatedTimestamp: String(instance.lastUpdatedTimestamp),
    lastDirtyTimestamp: String(instance.lastDirtyTimestamp),
    actionType: instance.actionType,
  };
}

export function applicationTree(name: string, instances: readonly EurekaInstance[], format: EurekaFormat) {
  return { name, instance: instances.map((i) => instanceTree(i, format)) };
}

export function applicationsTree(apps: Applications, format: EurekaFormat) {
  return {
    versions__delta: String(apps.version),
    apps__hashcode: apps.hashCode,
    application: apps.applications.map((a) => applicationTree(a.name, a.instances, format)),
  };
}

/** The body for a root element (`applications`, `application`, `instance`) in the format asked for. */
export function encodeBody(root: string, tree: Record<string, unknown>, format: EurekaFormat): string {
  if (format === 'json') return JSON.stringify({ [root]: tree });
  return `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>${builder.build({ [root]: tree }) as string}`;
}

export class XmlSyntaxError extends Error {
  readonly code = 'XML_SYNTAX';
}

/** Reads an XML body into the tree the JSON form has; throws XmlSyntaxError with the parser's reason. */
export function decodeXml(text: string): unknown {
  const valid = XMLValidator.validate(text);
  if (valid !== true) throw new XmlSyntaxError(`${valid.err.msg} (line ${valid.err.line}, column ${valid.err.col})`);
  const tree = parser.parse(text) as Record<string, unknown>;
  // The XML declaration is not part of the document.
  delete tree['?xml'];
  return tree;
}
