export { routingSchema, serviceRoutingSchema, type RoutingRules, type ServiceRouting } from './routing-rules';
export { VersionRouter, type RequestChooser, type SubsetChooser } from './version-router';
export { SERVED_BY_HEADER, instanceVersion, servedBy } from './served-by';
