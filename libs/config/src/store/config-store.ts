import type { FlagEvaluator } from '../flags/flag-evaluator';
import type { ConfigPathIssue } from '../layers/config-path-issue';
import type { ConfigSource, ExplainedValue } from './explain-config';

export interface ConfigRejection {
  at: string;
  /** What triggered the rejected rebuild: 'kv', 'file', or both joined with '+'. */
  source: string;
  issues: ConfigPathIssue[];
  /** The KV keys refused, when the rest of the change applied. */
  keys?: string[];
}

export interface ConfigStatus {
  /** 1 after start, +1 for every change applied. */
  version: number;
  lastAppliedAt?: string;
  rejections: number;
  /** The latest refusal, kept as history after a later change clears it (see `rejected`). */
  lastRejection?: ConfigRejection;
  /**
   * True while something the sources hold is refused: a KV key, a change, or files that do not read.
   * False again once a rebuild takes everything in, even when that changes nothing (the value in
   * force written back over a refused one).
   */
  rejected: boolean;
  kv?: { kind: string; connected: boolean };
}

/** Called after a change is applied, with the new configuration and the dotted paths that changed. */
export type ConfigListener<T> = (next: T, changedPaths: string[]) => void;

/** A service's live, validated configuration. */
export interface ConfigStore<T> {
  /** The configuration in force: a frozen object, replaced whole on every applied change. */
  current(): T;
  /** Returns an unsubscribe function. A listener that throws is logged and does not stop the others. */
  subscribe(fn: ConfigListener<T>): () => void;
  /** Each effective setting with its value (secrets redacted) and the layer it came from. */
  explain(): Record<string, { value: unknown; source: ConfigSource }>;
  status(): ConfigStatus;
  /** Evaluates the flags in force at the time of each call (keep it; it follows reloads). */
  flags(): FlagEvaluator;
  /** Stops watching; the KV source passed in stays open (its owner closes it). */
  close(): Promise<void>;
}

export type { ConfigSource, ExplainedValue };
