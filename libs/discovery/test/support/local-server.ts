import { requireInfraFrom } from './infra';

/**
 * `describe(name, fn)` when the local server a suite starts itself can be started here
 * (`unavailable` undefined). Otherwise the suite is skipped with the reason printed, or, under
 * REQUIRE_INFRA=1, replaced by one failing test that names it.
 */
export function describeWithLocalServer(unavailable: string | undefined, name: string, fn: () => void): void {
  if (unavailable === undefined) {
    describe(name, fn);
  } else if (requireInfraFrom()) {
    describe(name, () => {
      it('has the server it needs', () => {
        throw new Error(`${name}: ${unavailable}; REQUIRE_INFRA=1`);
      });
    });
  } else {
    console.log(`skipping "${name}": ${unavailable}`);
    describe.skip(name, fn);
  }
}
