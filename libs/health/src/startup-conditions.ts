import { UnknownStartupConditionError } from './errors/unknown-startup-condition-error';

/** What /health/detailed shows for one start-up condition. */
export interface StartupConditionDetail {
  complete: boolean;
  completedAt: string | null;
}

/**
 * The named steps start-up waits for ('migrations', 'registration'...). A condition is
 * required once and completed once; completing it again changes nothing.
 */
export class StartupConditions {
  /** Name -> completion time, undefined while pending. Insertion order is the order shown. */
  private readonly conditions = new Map<string, number | undefined>();

  require(name: string): void {
    if (!this.conditions.has(name)) this.conditions.set(name, undefined);
  }

  /** Returns true when this call completed it (false when it already was). */
  complete(name: string, at: number): boolean {
    if (!this.conditions.has(name)) throw new UnknownStartupConditionError(name, [...this.conditions.keys()]);
    if (this.conditions.get(name) !== undefined) return false;
    this.conditions.set(name, at);
    return true;
  }

  allComplete(): boolean {
    for (const completedAt of this.conditions.values()) if (completedAt === undefined) return false;
    return true;
  }

  pending(): string[] {
    return [...this.conditions].filter(([, completedAt]) => completedAt === undefined).map(([name]) => name);
  }

  detail(): Record<string, StartupConditionDetail> {
    const detail: Record<string, StartupConditionDetail> = {};
    for (const [name, completedAt] of this.conditions) {
      detail[name] = {
        complete: completedAt !== undefined,
        completedAt: completedAt === undefined ? null : new Date(completedAt).toISOString(),
      };
    }
    return detail;
  }
}
