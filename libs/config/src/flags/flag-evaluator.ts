import { evaluateFlag } from './evaluate-flag';
import type { FlagSet, FlagSubject } from './flag-definition';

export interface FlagEvaluator {
  isEnabled(name: string, subject?: FlagSubject): boolean;
}

/**
 * Evaluates flags against whatever definitions `current()` returns at the moment of the call, so an
 * evaluator kept for the life of a service follows every reload. No network, no allocation.
 */
export class LiveFlagEvaluator implements FlagEvaluator {
  constructor(private readonly current: () => FlagSet) {}

  isEnabled(name: string, subject?: FlagSubject): boolean {
    const flags = this.current();
    return evaluateFlag(name, Object.hasOwn(flags, name) ? flags[name] : undefined, subject);
  }

  /** The definitions in force now (for admin views). */
  definitions(): FlagSet {
    return this.current();
  }
}
