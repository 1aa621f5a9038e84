import type { InfraKind } from '../infra-kind';
import { describeError } from '@lab/common';
import type { KindSteps, ResolveOptions, ResolveStep, ServerResolution } from './types';
import { resolveSteps } from './types';

/** Tries each step in order and returns the first server that answers, or every reason none did. */
export async function runSteps(kind: InfraKind, steps: KindSteps, o: ResolveOptions = {}): Promise<ServerResolution> {
  const passedOver: string[] = [];
  for (const step of selectedSteps(o)) {
    const run = steps[step];
    if (!run) continue;
    let outcome;
    try {
      outcome = await run(o);
    } catch (error) {
      outcome = { skipped: `${step} failed: ${describeError(error)}` };
    }
    if ('skipped' in outcome) {
      passedOver.push(outcome.skipped);
      continue;
    }
    return { kind, available: true, url: outcome.url, source: step, passedOver, stop: outcome.stop };
  }
  return { kind, available: false, reason: passedOver.join(', ') || 'no resolution step was selected' };
}

function selectedSteps(o: ResolveOptions): ResolveStep[] {
  const start = o.from ? resolveSteps.indexOf(o.from) : 0;
  if (start < 0) throw new RangeError(`unknown resolve step "${o.from}"; expected one of ${resolveSteps.join(', ')}`);
  return resolveSteps.slice(start).filter((step) => !o.steps || o.steps.includes(step));
}
