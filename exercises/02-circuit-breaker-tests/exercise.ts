import type { ExerciseDefinition } from '@lab/course';

// Each mutant is breaker/circuit-breaker.ts with one deliberate bug: a few characters replaced. The
// grader runs your tests against every one; a good test suite fails on each.
export const exercise: ExerciseDefinition = {
  kind: 'tests',
  files: ['circuit-breaker.test.ts'],
  subject: 'breaker/circuit-breaker.ts',
  mutants: [
    {
      id: 'never-opens',
      bug: 'never opens, however many calls fail in a row',
      hint: 'no test makes failureThreshold calls fail in a row and then expects the breaker to be OPEN.',
      edits: [{ find: 'if (this.consecutiveFailures >= this.failureThreshold)', replace: 'if (false)' }],
    },
    {
      id: 'opens-one-failure-early',
      bug: 'opens after failureThreshold - 1 failures',
      hint: 'test the edge: one failure fewer than the threshold must leave the breaker CLOSED.',
      edits: [
        {
          find: 'this.consecutiveFailures >= this.failureThreshold',
          replace: 'this.consecutiveFailures >= this.failureThreshold - 1',
        },
      ],
    },
    {
      id: 'opens-one-failure-late',
      bug: 'opens only after failureThreshold + 1 failures',
      hint: 'test the edge: exactly failureThreshold failures must open the breaker, not one more.',
      edits: [
        {
          find: 'this.consecutiveFailures >= this.failureThreshold',
          replace: 'this.consecutiveFailures > this.failureThreshold',
        },
      ],
    },
    {
      id: 'success-does-not-reset-failures',
      bug: 'counts failures in total instead of in a row: a success in between does not reset the count',
      hint: 'with a threshold of 3, fail twice, succeed once, fail twice more: the breaker must still be CLOSED.',
      edits: [
        {
          find: '    this.consecutiveFailures = 0;\n',
          replace: "    if (this.current !== 'CLOSED') this.consecutiveFailures = 0;\n",
        },
      ],
    },
    {
      id: 'open-calls-through',
      bug: 'does not fail fast: while OPEN it still calls the dependency',
      hint: 'while OPEN, a call must reject with BreakerOpenError without running the operation: count how often the operation ran.',
      edits: [
        {
          find: 'throw new BreakerOpenError(`open: failing fast for another ${this.resetTimeoutMs - waited} ms`);',
          replace: 'return;',
        },
      ],
    },
    {
      id: 'never-half-opens',
      bug: 'stays OPEN forever: no trial call after resetTimeoutMs',
      hint: 'advance the clock by resetTimeoutMs after the breaker opened, and expect the next call to reach the operation.',
      edits: [{ find: 'if (waited < this.resetTimeoutMs)', replace: 'if (true)' }],
    },
    {
      id: 'half-open-lets-everything-through',
      bug: 'in HALF_OPEN lets every call through instead of a single trial',
      hint: 'start a trial call that does not settle yet (a promise you resolve later), then expect a second call to reject with BreakerOpenError.',
      edits: [{ find: 'if (this.trialInFlight) throw', replace: 'if (false) throw' }],
    },
    {
      id: 'trial-success-does-not-close',
      bug: 'a successful trial call does not close the breaker: it stays HALF_OPEN',
      hint: 'after a successful trial call, expect the state to be CLOSED and calls to run normally again.',
      edits: [{ find: "if (this.current === 'HALF_OPEN') this.current = 'CLOSED';", replace: '' }],
    },
    {
      id: 'failed-trial-does-not-restart-timer',
      bug: 'a failed trial reopens the breaker but keeps the old opening time, so the next call is a trial again at once',
      hint: 'make the trial call fail, then expect calls to be rejected again until another resetTimeoutMs has passed.',
      edits: [{ find: '      this.open();\n      return;', replace: "      this.current = 'OPEN';\n      return;" }],
    },
    {
      id: 'closes-with-old-failures',
      bug: 'after recovering, remembers the failures from before it opened: the first new failure opens it again',
      hint: 'after the breaker closed again through a successful trial, it must take failureThreshold new failures to open it.',
      edits: [
        {
          find: '    this.consecutiveFailures = 0;\n',
          replace: "    if (this.current === 'CLOSED') this.consecutiveFailures = 0;\n",
        },
      ],
    },
  ],
};
