import type { CheckpointResult, LabDefinition, LabSystem } from './lab-definition';

export interface CheckpointOutcome {
  title: string;
  result: CheckpointResult;
}

export interface CheckpointReport {
  /** The registry could not be reached at all: nothing else was looked at. */
  unreachable?: string;
  outcomes: CheckpointOutcome[];
  allMet: boolean;
}

/** Runs every checkpoint of a lab against a running system; one that throws is not met, with why. */
export async function checkCheckpoints(lab: LabDefinition, system: LabSystem): Promise<CheckpointReport> {
  try {
    await system.consul.get('/v1/status/leader');
  } catch (error) {
    return { unreachable: (error as Error).message, outcomes: [], allMet: false };
  }
  const outcomes: CheckpointOutcome[] = [];
  // One after another: checkpoints read the same registry, and their order is the lab's order.
  for (const checkpoint of lab.checkpoints) {
    let result: CheckpointResult;
    try {
      result = await checkpoint.check(system);
    } catch (error) {
      result = { met: false, missing: `could not check: ${(error as Error).message}` };
    }
    outcomes.push({ title: checkpoint.title, result });
  }
  return { outcomes, allMet: outcomes.every((o) => o.result.met) };
}

export function formatCheckpointReport(title: string, system: LabSystem, report: CheckpointReport): string {
  const lines = [title, `Checking the stack at CONSUL_HTTP_ADDR=${system.consul.address}`, ''];
  if (report.unreachable) {
    lines.push(
      `  ✗ ${report.unreachable}`,
      '    Is the stack running (`npm start` in another shell)? If it runs elsewhere, export CONSUL_HTTP_ADDR.',
    );
    return lines.join('\n');
  }
  report.outcomes.forEach(({ title: checkpoint, result }, index) => {
    lines.push(`  ${result.met ? '✓' : '✗'} ${index + 1}. ${checkpoint}`);
    if (!result.met) lines.push(`       missing: ${result.missing}`);
  });
  const met = report.outcomes.filter((o) => o.result.met).length;
  lines.push(
    '',
    report.allMet
      ? `All ${met} checkpoints met.`
      : `${met} of ${report.outcomes.length} checkpoints met: the steps of the lab that lead to the others are in its README.`,
  );
  return lines.join('\n');
}
