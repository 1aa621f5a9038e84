import { evaluateFlag } from './evaluate-flag';
import { explainFlag, type FlagExplanation } from './explain-flag';
import type { FlagSet, FlagSubject } from './flag-definition';

export interface FlagEvaluator {
  isEnabled(name: string, subject?: FlagSubject): boolean;
  /** How isEnabled decides for `subject`, and why (for people asking: admin views, labs). */
  explain(name: string, subject?: FlagSubject): FlagExplanation;
  /** The names of the flags in force, sorted. */
  names(): string[];
}

/**
 * Evaluates flags against whatever definitions `current()` returns at the moment of the call, so an
 * evaluator kept for the life of a service follows every reload. No network, no allocation.
 */
export class LiveFlagEvaluator implements FlagEvaluator {
  constructor(private readonly current: () => FlagSet) {}

  isEnabled(name: string, subject?: FlagSubject): boolean {
    return evaluateFlag(name, this.definition(name), subject);
  }

  explain(name: string, subject?: FlagSubject): FlagExplanation {
    return explainFlag(name, this.definition(name), subject);
  }

  names(): string[] {
    return Object.keys(this.current()).sort();
  }

  /** The definitions in force now (for admin views). */
  definitions(): FlagSet {
    return this.current();
  }

  /** Own properties only: a flag named `toString` is not one. */
  private definition(name: string) {
    const flags = this.current();
    return Object.hasOwn(flags, name) ? flags[name] : undefined;
  }
}
