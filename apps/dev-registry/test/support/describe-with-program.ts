import { spawnSync } from 'node:child_process';

/**
 * `describe(name, fn)` when a third-party program the suite drives (`dig`) runs here. Otherwise the
 * suite is skipped with the reason printed, or, with REQUIRE_INFRA=1 (as CI sets), replaced by one
 * failing test that names it. The testing lib has the same rule for servers; this package cannot
 * import it (the testing lib embeds this registry).
 */
export function describeWithProgram(program: string, versionArgs: string[], name: string, fn: () => void): void {
  const probe = spawnSync(program, versionArgs, { stdio: 'ignore', timeout: 5_000 });
  if (probe.error === undefined && probe.status === 0) {
    describe(name, fn);
    return;
  }
  const reason = `${program} is not installed (${probe.error?.message ?? `exit ${probe.status}`})`;
  const required = process.env.REQUIRE_INFRA === '1' || process.env.REQUIRE_INFRA === 'true';
  if (required) {
    describe(name, () => {
      it(`has ${program}`, () => {
        throw new Error(`${name}: ${reason}; REQUIRE_INFRA=1`);
      });
    });
    return;
  }
  console.warn(`skipping "${name}": ${reason}`);
  describe.skip(name, fn);
}
