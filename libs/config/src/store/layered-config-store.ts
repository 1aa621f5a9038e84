import path from 'node:path';
import type { z } from 'zod';
import { ConfigError } from '../config-error';
import type { FlagSet } from '../flags/flag-definition';
import { LiveFlagEvaluator } from '../flags/flag-evaluator';
import { errorMessage, type Logger } from '@lab/common';
import type { ConfigPathIssue } from '../layers/config-path-issue';
import { readEnvLayer, type EnvLayer } from '../layers/env-layer';
import { configFilePaths, readFileLayer, type FileLayerOptions } from '../layers/file-layer';
import { kvEntriesToTree, kvPrefix, SHARED_SCOPE } from '../layers/kv-layout';
import type { KvSource, KvWatch } from '../kv/kv-source';
import type { ConfigTree } from '../tree/config-tree';
import {
  changedPaths,
  deepFreeze,
  isPlainObject,
  MAX_CONFIG_DEPTH,
  mergeTrees,
  nestingDepth,
  sameJson,
} from '../tree/config-tree';
import { CoalescingRunner } from './coalescing-runner';
import type { ConfigListener, ConfigRejection, ConfigStatus, ConfigStore } from './config-store';
import { DirectoryWatcher } from './directory-watcher';
import { explainConfig, type ExplainedValue } from './explain-config';
import { validateCandidate } from './validate-candidate';

type Trigger = 'kv' | 'file';

export interface LayeredConfigStoreOptions<S extends z.ZodType> {
  service: string;
  schema: S;
  env: NodeJS.ProcessEnv;
  files: FileLayerOptions;
  envMapping: Readonly<Record<string, string>>;
  kv?: KvSource;
  secretPaths: readonly string[];
  watchFiles: boolean;
  fileDebounceMs: number;
  kvStartTimeoutMs: number;
  logger: Logger;
}

/** One applied configuration: everything current(), flags() and explain() read, swapped in one assignment. */
interface Applied<T> {
  value: T;
  flags: FlagSet;
  /** The schema output with the flags in force: what changes are measured on. */
  effective: ConfigTree;
  layers: { file: ConfigTree; env: ConfigTree; kv: ConfigTree };
}

/** One KV entry as the tree it contributes, in the order entries are layered. */
interface KvItem {
  key: string;
  tree: ConfigTree;
}

/** The KV layer split: what may be applied, and each refused key with its problems. */
interface ScreenedKv {
  kv: ConfigTree;
  refused: { key: string; issues: ConfigPathIssue[] }[];
}

interface KvPrefixState {
  prefix: string;
  entries: ReadonlyMap<string, string>;
  connected: boolean;
  watch?: KvWatch;
}

/**
 * Layers, lowest first: schema defaults, YAML files, the KV store (shared, then the service's own),
 * mapped environment variables. The environment is on top because it is what an operator set for
 * this one deployment; the files and the KV store are what changes while it runs. Every change,
 * from the KV watch or the file watch, rebuilds the candidate from all layers, validates it, and
 * either applies it whole or rejects it whole.
 */
export class LayeredConfigStore<S extends z.ZodType> implements ConfigStore<z.output<S>> {
  private applied!: Applied<z.output<S>>;
  private version = 0;
  private lastAppliedAt: string | undefined;
  private rejections = 0;
  private lastRejection: ConfigRejection | undefined;
  private lastRejected: unknown;
  private lastRefusedKeys: string[] | undefined;
  /**
   * Whether the latest rebuild left out something the sources hold (a KV key, or the whole change),
   * and whether the files failed to read when last read: while either holds, what an operator wrote
   * is not all in force. Kept apart from lastRejection, which stays as history once a fix applies.
   */
  private refusing = false;
  private filesRefused = false;
  private fileTree: ConfigTree = {};
  private envLayer: EnvLayer = { tree: {}, fromFile: [], pinned: {}, issues: [] };
  private readonly kvPrefixes: KvPrefixState[];
  /** Each KV key's last accepted value: what a refused write to it leaves in force. */
  private lastGoodKv = new Map<string, ConfigTree>();
  private readonly listeners = new Set<ConfigListener<z.output<S>>>();
  private readonly runner: CoalescingRunner<Trigger>;
  private readonly flagEvaluator = new LiveFlagEvaluator(() => this.applied.flags);
  private directoryWatcher: DirectoryWatcher | undefined;
  private started = false;
  private closed = false;

  constructor(private readonly o: LayeredConfigStoreOptions<S>) {
    this.kvPrefixes = o.kv
      ? [SHARED_SCOPE, o.service].map((scope) => ({ prefix: kvPrefix(scope), entries: new Map(), connected: false }))
      : [];
    this.runner = new CoalescingRunner(
      (reasons) => this.rebuild(reasons),
      (error) => o.logger.error({ service: o.service, err: errorMessage(error) }, 'configuration rebuild failed'),
    );
  }

  /** Reads every layer once and applies the first configuration; throws ConfigError when there is none. */
  async start(): Promise<void> {
    this.envLayer = readEnvLayer(this.o.envMapping, this.o.env);
    const files = await readFileLayer(this.o.files);
    const startIssues = [...this.envLayer.issues, ...files.issues];
    if (startIssues.length > 0) throw toConfigError(startIssues);
    this.fileTree = files.tree;
    if (Object.keys(this.envLayer.pinned).length > 0) {
      // Said once, so that an operator whose KV or file edit seems to do nothing finds out why.
      this.o.logger.info(
        { service: this.o.service, pinned: this.envLayer.pinned },
        'environment variables fix these settings for this process; KV and file changes to them do not apply',
      );
    }
    await this.startKv();

    // A bad value in the KV store must not stop a service from starting (or restarting): its key is
    // left out and reported, the valid keys apply.
    const screened = this.screenKv();
    const full = this.candidate(screened.kv);
    const result = validateCandidate(this.o.schema, full.tree);
    if (!result.ok) throw toConfigError(result.issues);
    this.apply(result, full.layers, 'start');
    this.refusing = screened.refused.length > 0;
    if (this.refusing) this.refuseKeys('kv', screened.refused);
    this.started = true;
    if (this.o.watchFiles) this.watchFiles();
  }

  current(): z.output<S> {
    return this.applied.value;
  }

  subscribe(fn: ConfigListener<z.output<S>>): () => void {
    this.listeners.add(fn);
    return () => void this.listeners.delete(fn);
  }

  explain(): Record<string, ExplainedValue> {
    const { effective, layers } = this.applied;
    return explainConfig({
      effective,
      layers: [
        { source: 'file', tree: layers.file },
        { source: 'kv', tree: layers.kv },
        { source: 'env', tree: layers.env },
      ],
      secretPaths: [...this.o.secretPaths, ...this.envLayer.fromFile],
    });
  }

  status(): ConfigStatus {
    return {
      version: this.version,
      lastAppliedAt: this.lastAppliedAt,
      rejections: this.rejections,
      lastRejection: this.lastRejection,
      rejected: this.refusing || this.filesRefused,
      kv: this.o.kv ? { kind: this.o.kv.kind, connected: this.kvPrefixes.every((p) => p.connected) } : undefined,
    };
  }

  flags(): LiveFlagEvaluator {
    return this.flagEvaluator;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    for (const p of this.kvPrefixes) p.watch?.close();
    this.directoryWatcher?.close();
    await this.runner.idle();
    this.listeners.clear();
  }

  /** Opens one watch per prefix and waits (bounded) until each has answered or failed once. */
  private async startKv(): Promise<void> {
    const kv = this.o.kv;
    if (!kv) return;
    const firstAnswers = this.kvPrefixes.map(
      (state) =>
        new Promise<void>((answered) => {
          state.watch = kv.watch(
            state.prefix,
            (entries) => {
              if (!state.connected && this.started)
                this.o.logger.info({ service: this.o.service, prefix: state.prefix }, 'KV store reachable again');
              state.entries = entries;
              state.connected = true;
              answered();
              if (this.started && !this.closed) this.runner.trigger('kv');
            },
            (error) => {
              if (state.connected || !this.started) {
                this.o.logger.warn(
                  { service: this.o.service, prefix: state.prefix, err: error.message },
                  'KV store unreachable; the configuration in force stays until it answers',
                );
              }
              state.connected = false;
              answered();
            },
          );
        }),
    );
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<void>((resolve) => {
      timer = setTimeout(resolve, this.o.kvStartTimeoutMs);
    });
    await Promise.race([Promise.all(firstAnswers), timeout]);
    clearTimeout(timer);
  }

  private watchFiles(): void {
    const dirs = [...new Set(configFilePaths(this.o.files).map((file) => path.dirname(file)))];
    this.directoryWatcher = new DirectoryWatcher(
      dirs,
      this.o.fileDebounceMs,
      () => this.runner.trigger('file'),
      this.o.logger,
    );
  }

  private candidate(kv: ConfigTree): { tree: ConfigTree; layers: Applied<unknown>['layers'] } {
    const layers = { file: this.fileTree, env: this.envLayer.tree, kv };
    return { tree: layered(layers), layers };
  }

  /** The KV entries one by one, shared scope first, shallow keys before deeper ones (kvEntriesToTree's order). */
  private kvItems(): { items: KvItem[]; tooDeep: ScreenedKv['refused'] } {
    const items: KvItem[] = [];
    const tooDeep: ScreenedKv['refused'] = [];
    for (const p of this.kvPrefixes) {
      const keys = [...p.entries.keys()].sort(
        (a, b) => a.split('/').length - b.split('/').length || a.localeCompare(b),
      );
      for (const key of keys) {
        const tree = kvEntriesToTree(new Map([[key, p.entries.get(key)!]]), p.prefix);
        if (Object.keys(tree).length === 0) continue;
        // Checked before the value is merged or walked: those recurse, a hostile depth would overflow.
        if (nestingDepth(tree) > MAX_CONFIG_DEPTH) {
          const path = key.slice(p.prefix.length).split('/').filter(Boolean).join('.');
          tooDeep.push({ key, issues: [{ path, message: `nests deeper than ${MAX_CONFIG_DEPTH} levels` }] });
          continue;
        }
        items.push({ key, tree });
      }
    }
    return { items, tooDeep };
  }

  /**
   * Validates the KV layer key by key: all together first (the usual case, one validation), and
   * when that fails, each key on top of those already accepted, so that one bad key is refused and
   * reported alone while every valid change, a kill switch included, still applies. Keys refused
   * in a pass are tried again after it, for changes that are only valid together.
   */
  private screenKv(): ScreenedKv {
    const { items, tooDeep } = this.kvItems();
    const all = items.reduce<ConfigTree>((tree, item) => mergeTrees(tree, item.tree), {});
    if (validateCandidate(this.o.schema, this.candidate(all).tree).ok) {
      this.lastGoodKv = new Map(items.map((item) => [item.key, item.tree]));
      return { kv: all, refused: tooDeep };
    }
    // Accepted items are merged in their layering order, so a deeper key still wins over a shallower one.
    const order = new Map(items.map((item, i) => [item.key, i]));
    const acceptedItems: KvItem[] = [];
    const mergeInOrder = (list: KvItem[]) =>
      [...list]
        .sort((a, b) => order.get(a.key)! - order.get(b.key)!)
        .reduce<ConfigTree>((tree, item) => mergeTrees(tree, item.tree), {});
    const tryItem = (item: KvItem) => {
      const result = validateCandidate(this.o.schema, this.candidate(mergeInOrder([...acceptedItems, item])).tree);
      if (result.ok) acceptedItems.push(item);
      return result;
    };
    let pending = items;
    let refused: ScreenedKv['refused'] = [];
    for (;;) {
      const stillBad: KvItem[] = [];
      refused = [];
      for (const item of pending) {
        const result = tryItem(item);
        if (!result.ok) {
          stillBad.push(item);
          refused.push({ key: item.key, issues: result.issues });
        }
      }
      if (stillBad.length === pending.length) break;
      pending = stillBad;
    }
    // A refused key keeps the value it had before the bad write, when that one still fits.
    for (const item of pending) {
      const previous = this.lastGoodKv.get(item.key);
      if (previous !== undefined) tryItem({ key: item.key, tree: previous });
    }
    this.lastGoodKv = new Map(acceptedItems.map((item) => [item.key, item.tree]));
    const accepted = mergeInOrder(acceptedItems);
    return { kv: accepted, refused: [...tooDeep, ...refused] };
  }

  private async rebuild(reasons: ReadonlySet<Trigger>): Promise<void> {
    if (this.closed) return;
    const source = [...reasons].sort().join('+');
    if (reasons.has('file')) {
      const files = await readFileLayer(this.o.files);
      if (this.closed) return;
      this.filesRefused = files.issues.length > 0;
      if (this.filesRefused) return this.reject(source, files.issues, files.issues);
      this.fileTree = files.tree;
    }
    const screened = this.screenKv();
    const next = this.candidate(screened.kv);
    const result = validateCandidate(this.o.schema, next.tree);
    // Without any KV key the files themselves are wrong: nothing of this change applies.
    this.refusing = !result.ok || screened.refused.length > 0;
    if (!result.ok) return this.reject(source, result.issues, next.tree);
    this.apply(result, next.layers, source);
    if (screened.refused.length > 0) this.refuseKeys(source, screened.refused);
    else this.lastRefusedKeys = undefined;
  }

  /** Records KV keys refused while the rest of a change applied: one line naming each key and why. */
  private refuseKeys(source: string, refused: ScreenedKv['refused']): void {
    // The same keys refused again (a redelivery, or another change beside them) count once.
    const fingerprint = refused.map((r) => r.key);
    if (this.lastRefusedKeys !== undefined && sameJson(fingerprint, this.lastRefusedKeys)) return;
    this.lastRefusedKeys = fingerprint;
    this.rejections += 1;
    const issues = refused.flatMap((r) => r.issues);
    this.lastRejection = { at: new Date().toISOString(), source, issues, keys: refused.map((r) => r.key) };
    this.o.logger.warn(
      { service: this.o.service, source, version: this.version, keys: refused.map((r) => r.key), issues },
      'configuration keys rejected; the other changes applied and these keep their last valid value',
    );
  }

  private apply(
    result: { value: z.output<S>; flags: FlagSet },
    layers: Applied<unknown>['layers'],
    source: string,
  ): void {
    const value = deepFreeze(result.value);
    const flags = deepFreeze(result.flags);
    const effective = isPlainObject(value) ? { ...value, flags } : { value, flags };
    const previous = this.started ? this.applied : undefined;
    const changed = previous ? changedPaths(previous.effective, effective) : [];
    if (previous && changed.length === 0) {
      // Same effective configuration (a no-op write, a redelivery): keep the version; refresh sources.
      this.applied = { ...previous, layers };
      return;
    }
    this.applied = { value, flags, effective, layers };
    this.version += 1;
    this.lastAppliedAt = new Date().toISOString();
    this.lastRejected = undefined;
    if (!previous) return;
    this.o.logger.info(
      { service: this.o.service, version: this.version, source, changed },
      'configuration change applied',
    );
    for (const listener of [...this.listeners]) {
      try {
        listener(value, changed);
      } catch (error) {
        this.o.logger.error({ service: this.o.service, err: errorMessage(error) }, 'configuration listener threw');
      }
    }
  }

  /**
   * Keeps the configuration in force and records why. `fingerprint` (the candidate, or the file
   * issues) keeps one bad candidate, delivered again by a reconnecting watch, from counting twice.
   */
  private reject(source: string, issues: ConfigPathIssue[], fingerprint: unknown): void {
    if (this.lastRejected !== undefined && sameJson(fingerprint, this.lastRejected)) return;
    this.lastRejected = fingerprint;
    this.rejections += 1;
    this.lastRejection = { at: new Date().toISOString(), source, issues };
    this.o.logger.warn(
      { service: this.o.service, source, version: this.version, issues },
      'configuration change rejected; the last valid configuration stays in force',
    );
  }
}

/** The layers merged in their order of precedence: files < KV < environment. */
function layered(layers: { file: ConfigTree; kv: ConfigTree; env: ConfigTree }): ConfigTree {
  return mergeTrees(mergeTrees(layers.file, layers.kv), layers.env);
}

function toConfigError(issues: readonly ConfigPathIssue[]): ConfigError {
  return new ConfigError(
    issues.map((i) => ({ variable: i.path, message: i.message })),
    { noun: 'setting' },
  );
}
