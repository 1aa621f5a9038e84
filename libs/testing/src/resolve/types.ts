import type { InfraKind } from '../infra-kind';

/** Where a server came from, in the order they are tried. */
export type ResolveStep = 'env' | 'container' | 'binary' | 'embedded';

export const resolveSteps: readonly ResolveStep[] = ['env', 'container', 'binary', 'embedded'];

export interface ResolvedServer {
  kind: InfraKind;
  available: true;
  url: string;
  source: ResolveStep;
  /** Why each earlier step was passed over, e.g. "no TEST_REDIS_URL". */
  passedOver: string[];
  /** Stops what this step started; a no-op for a URL from the environment. */
  stop(): Promise<void>;
}

export interface UnavailableServer {
  kind: InfraKind;
  available: false;
  /** Every step's reason, joined: "no TEST_REDIS_URL, no container runtime, no redis-server binary". */
  reason: string;
}

export type ServerResolution = ResolvedServer | UnavailableServer;

export interface ResolveOptions {
  /** Start at this step and skip the ones before it (test one fallback directly). */
  from?: ResolveStep;
  /** Run only these steps, in the usual order. */
  steps?: readonly ResolveStep[];
  /** Where TEST_*_URL is read from (default process.env). */
  env?: Readonly<Record<string, string | undefined>>;
  /** How long the container runtime probe may take before the step gives up (default 3000 ms). */
  containerProbeTimeoutMs?: number;
  /** How long a started server may take to answer (default 30 s for containers, 15 s otherwise). */
  startTimeoutMs?: number;
}

/** A step either produces a running server or says, in a few words, why it could not. */
export type StepOutcome = { url: string; stop(): Promise<void> } | { skipped: string };

export type StepRunner = (o: ResolveOptions) => Promise<StepOutcome>;

/** The steps one kind of server supports; a missing step (Redis has no embedded form) is not tried. */
export type KindSteps = Partial<Record<ResolveStep, StepRunner>>;
