// An instance as Eureka's InstanceInfo describes it, with the names Eureka's codecs use.

export const INSTANCE_STATUSES = ['UP', 'DOWN', 'STARTING', 'OUT_OF_SERVICE', 'UNKNOWN'] as const;
export type InstanceStatus = (typeof INSTANCE_STATUSES)[number];

export type ActionType = 'ADDED' | 'MODIFIED' | 'DELETED';

export interface PortInfo {
  port: number;
  enabled: boolean;
}

/** What a client registers (after validation; the app name upper-cased, as Eureka stores it). */
export interface EurekaInstanceInput {
  instanceId: string;
  app: string;
  appGroupName?: string;
  hostName: string;
  ipAddr: string;
  /** The status the client reports (Eureka: the instance's own view of itself). */
  status: InstanceStatus;
  /** An override the client carries over from an earlier registration; UNKNOWN when none. */
  overriddenStatus: InstanceStatus;
  port: PortInfo;
  securePort: PortInfo;
  countryId: number;
  dataCenterInfo: { className: string; name: string; metadata?: Readonly<Record<string, string>> };
  /** Seconds: the client's renewal interval and how long the lease lasts without one. */
  leaseInfo: { renewalIntervalInSecs: number; durationInSecs: number };
  metadata: Readonly<Record<string, string>>;
  homePageUrl: string;
  statusPageUrl: string;
  healthCheckUrl: string;
  secureHealthCheckUrl: string;
  vipAddress: string;
  secureVipAddress: string;
  /** When the client last changed its own info (ms); 0 when it did not say. */
  lastDirtyTimestamp: number;
}

/** An instance as the registry holds and shows it. Records are replaced, never mutated. */
export interface EurekaInstance extends EurekaInstanceInput {
  /** The status clients see: the override when there is one, else what the client reported. */
  effectiveStatus: InstanceStatus;
  lease: {
    registrationTimestamp: number;
    lastRenewalTimestamp: number;
    evictionTimestamp: number;
    serviceUpTimestamp: number;
  };
  lastUpdatedTimestamp: number;
  actionType: ActionType;
}
