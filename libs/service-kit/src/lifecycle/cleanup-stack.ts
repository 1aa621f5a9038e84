import type { Logger } from 'pino';

interface Cleanup {
  name: string;
  run(): Promise<void> | void;
}

/**
 * Things to close, in reverse order of acquisition. A failed start unwinds what it had opened;
 * a stop runs the same list. One failing step is logged and does not stop the others.
 */
export class CleanupStack {
  private readonly steps: Cleanup[] = [];

  push(name: string, run: () => Promise<void> | void): void {
    this.steps.push({ name, run });
  }

  async unwind(log: Logger): Promise<void> {
    for (let step = this.steps.pop(); step !== undefined; step = this.steps.pop()) {
      try {
        await step.run();
      } catch (error) {
        log.error({ err: error, step: step.name }, 'cleanup step failed');
      }
    }
  }
}
