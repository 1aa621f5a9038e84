import { globSync, readFileSync } from 'node:fs';
import path from 'node:path';

import { capsNames, declaredCapsNames } from '../src/markdown/caps-names';
import { REPOSITORY_ROOT } from '../src/repository-root';

/** Stand-ins the READMEs use for "a variable" (`ENV_VAR_FILE`, `NAME_FILE`), not names. */
const PLACEHOLDERS = new Set(['ENV_VAR', 'ENV_VAR_FILE', 'NAME_FILE']);

const read = (relative: string): string => readFileSync(path.join(REPOSITORY_ROOT, relative), 'utf8');

/**
 * An environment variable, error code or constant a lib README names must be one the code knows:
 * a misspelt variable (DNS_SERVER for DNS_SERVERS) is read by nothing, and the reader who copies it
 * wonders why it does nothing. NAME_FILE is the file form of NAME (the secrets convention); a name
 * ending in `_` (`CONSUL_*`) stands for the names it begins.
 */
it('every ALL_CAPS name in the lib READMEs is one the code knows', () => {
  const sources = globSync('{libs,apps,tools}/*/src/**/*.{ts,mjs,js}', { cwd: REPOSITORY_ROOT }).filter(
    (file) => !file.endsWith('.test.ts'),
  );
  expect(sources.length).toBeGreaterThan(100);
  const known = new Set(sources.flatMap((file) => capsNames(read(file))));
  expect(known).toContain('DNS_SERVERS');

  const unknown = globSync('libs/*/README.md', { cwd: REPOSITORY_ROOT })
    .sort()
    .flatMap((readme) => {
      const text = read(readme);
      const declared = declaredCapsNames(text);
      return capsNames(text)
        .filter((name) => !known.has(name) && !declared.has(name) && !PLACEHOLDERS.has(name))
        .filter((name) => !(name.endsWith('_FILE') && known.has(name.slice(0, -'_FILE'.length))))
        .filter((name) => !(name.endsWith('_') && [...known].some((k) => k.startsWith(name))))
        .map((name) => `${readme}: ${name}`);
    });
  expect(unknown).toEqual([]);
});
