// The JSON shapes of Consul's HTTP API, built from the store's records. Field names and casing are
// Consul's; clients decode them by name.
import { formatDuration } from '@lab/common';
import type { CatalogStore } from '../state/catalog-store';
import type { CheckDefinition, CheckRecord, KvEntry, NodeRecord, ServiceRecord } from '../state/types';

export function renderNode(node: NodeRecord) {
  return {
    ID: node.id,
    Node: node.name,
    Address: node.address,
    Datacenter: node.datacenter,
    TaggedAddresses: { lan: node.address, lan_ipv4: node.address, wan: node.address, wan_ipv4: node.address },
    Meta: { 'consul-network-segment': '' },
    CreateIndex: node.createIndex,
    ModifyIndex: node.modifyIndex,
  };
}

/** A service as /v1/health/service shows it. */
export function renderService(service: ServiceRecord) {
  return {
    ID: service.id,
    Service: service.name,
    Tags: service.tags,
    Address: service.address,
    Meta: service.meta,
    Port: service.port,
    Weights: service.weights,
    EnableTagOverride: service.enableTagOverride,
    CreateIndex: service.createIndex,
    ModifyIndex: service.modifyIndex,
  };
}

/** A service as /v1/agent/services shows it (no indexes, with the datacenter). */
export function renderAgentService(service: ServiceRecord, datacenter: string) {
  return {
    ID: service.id,
    Service: service.name,
    Tags: service.tags,
    Meta: service.meta,
    Port: service.port,
    Address: service.address,
    Weights: service.weights,
    EnableTagOverride: service.enableTagOverride,
    Datacenter: datacenter,
  };
}

/** A row of /v1/catalog/service/:name: node fields and service fields side by side. */
export function renderCatalogService(node: NodeRecord, service: ServiceRecord) {
  const n = renderNode(node);
  return {
    ID: n.ID,
    Node: n.Node,
    Address: n.Address,
    Datacenter: n.Datacenter,
    TaggedAddresses: n.TaggedAddresses,
    NodeMeta: n.Meta,
    ServiceKind: '',
    ServiceID: service.id,
    ServiceName: service.name,
    ServiceTags: service.tags,
    ServiceAddress: service.address,
    ServiceWeights: service.weights,
    ServiceMeta: service.meta,
    ServicePort: service.port,
    ServiceEnableTagOverride: service.enableTagOverride,
    CreateIndex: service.createIndex,
    ModifyIndex: service.modifyIndex,
  };
}

export function renderCheck(check: CheckRecord, store: CatalogStore) {
  const definition = check.definition;
  return {
    Node: store.node.name,
    CheckID: check.checkId,
    Name: check.name,
    Status: check.status,
    Notes: check.notes,
    Output: check.output,
    ServiceID: check.serviceId,
    ServiceName: check.serviceName,
    ServiceTags: (check.serviceId && store.service(check.serviceId)?.tags) || [],
    Type: definition?.kind ?? '',
    Interval: definition && definition.kind !== 'ttl' ? formatDuration(definition.intervalMs) : '',
    Timeout: definition && definition.kind !== 'ttl' ? formatDuration(definition.timeoutMs) : '',
    ExposedPort: 0,
    Definition: renderDefinition(definition),
    CreateIndex: check.createIndex,
    ModifyIndex: check.modifyIndex,
  };
}

function renderDefinition(definition: CheckDefinition | undefined) {
  if (!definition) return {};
  const deregister = formatDuration(definition.deregisterCriticalServiceAfterMs ?? 0);
  switch (definition.kind) {
    case 'http':
      return {
        HTTP: definition.http,
        Header: definition.header,
        Method: definition.method,
        Body: definition.body,
        TLSServerName: definition.tlsServerName,
        TLSSkipVerify: definition.tlsSkipVerify,
        Interval: formatDuration(definition.intervalMs),
        Timeout: formatDuration(definition.timeoutMs),
        DeregisterCriticalServiceAfter: deregister,
      };
    case 'tcp':
      return {
        TCP: definition.tcp,
        Interval: formatDuration(definition.intervalMs),
        Timeout: formatDuration(definition.timeoutMs),
        DeregisterCriticalServiceAfter: deregister,
      };
    case 'ttl':
      return { TTL: formatDuration(definition.ttlMs), DeregisterCriticalServiceAfter: deregister };
  }
}

/** One entry of /v1/health/service/:name: the node, the instance and every check covering it. */
export function renderHealthEntry(service: ServiceRecord, store: CatalogStore) {
  const checks = [...store.nodeChecks(), ...store.checksOfService(service.id)];
  return {
    Node: renderNode(store.node),
    Service: renderService(service),
    Checks: checks.map((c) => renderCheck(c, store)),
  };
}

export function renderKv(entry: KvEntry) {
  return {
    LockIndex: 0,
    Key: entry.key,
    Flags: entry.flags,
    // Consul shows an empty value as null.
    Value: entry.value.length === 0 ? null : entry.value.toString('base64'),
    CreateIndex: entry.createIndex,
    ModifyIndex: entry.modifyIndex,
  };
}
