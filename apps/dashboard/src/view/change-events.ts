import type { InstanceView, SystemView } from './system-view';

/** Something that changed between two pictures, in a sentence: what the page announces. */
export interface ChangeEvent {
  seq: number;
  at: string;
  text: string;
}

function instancesById(view: SystemView): Map<string, InstanceView> {
  return new Map(view.services.flatMap((s) => s.instances.map((i) => [i.id, i] as const)));
}

function flagsOf(instance: InstanceView): Map<string, string> {
  return new Map((instance.config.flags ?? []).map((f) => [f.path, JSON.stringify(f.value)]));
}

/**
 * The changes a person watching would want told, from one picture to the next: instances joining
 * and leaving the healthy list, breakers changing state, configuration applied or refused, flags
 * changing. Pure, so every rule is tested without a running system.
 */
export function describeChanges(before: SystemView, after: SystemView): string[] {
  const changes: string[] = [];
  const old = instancesById(before);
  const now = instancesById(after);
  for (const [id, i] of now) {
    if (!old.has(id)) changes.push(`${id} joined ${i.service} (${i.version ?? 'no version'}, ${i.address}:${i.port})`);
  }
  for (const [id, i] of old) if (!now.has(id)) changes.push(`${id} left the healthy instances of ${i.service}`);

  for (const [id, i] of now) {
    const was = old.get(id);
    if (was === undefined) continue;
    const policies = new Map(was.dependencies.map((d) => [d.name, d.policy]));
    for (const d of i.dependencies) {
      const previous = policies.get(d.name);
      if (d.policy && previous && previous.state !== d.policy.state) {
        changes.push(
          `${id}: breaker to ${d.name} ${d.policy.state.toUpperCase()}${d.policy.forcedOpen ? ' (forced open)' : ''}`,
        );
      }
    }
    const status = i.config.status;
    const previousStatus = was.config.status;
    if (status && previousStatus) {
      if (status.rejections > previousStatus.rejections && status.lastRejection) {
        const issues = status.lastRejection.issues.map((x) => `${x.path}: ${x.message}`).join('; ');
        changes.push(`${id} refused a configuration change: ${issues}`);
      }
      if (status.version > previousStatus.version)
        changes.push(`${id} applied configuration version ${status.version}`);
    }
    if (was.config.flags && i.config.flags) {
      const before = flagsOf(was);
      for (const [flag, value] of flagsOf(i)) {
        if (before.get(flag) !== value) changes.push(`${id}: flag ${flag} is now ${value}`);
      }
    }
    if (was.probe.reachable && !i.probe.reachable) changes.push(`${id} does not answer: ${i.probe.error}`);
  }
  return changes;
}

/** The last `size` changes, numbered, for the page's change log. */
export class ChangeLog {
  private readonly entries: ChangeEvent[] = [];
  private seq = 0;

  constructor(private readonly size = 30) {}

  add(texts: readonly string[], at: string): ChangeEvent[] {
    const added = texts.map((text) => ({ seq: ++this.seq, at, text }));
    this.entries.push(...added);
    if (this.entries.length > this.size) this.entries.splice(0, this.entries.length - this.size);
    return added;
  }

  /** Newest first. */
  recent(): ChangeEvent[] {
    return [...this.entries].reverse();
  }
}
