import { readFileSync, statSync } from 'node:fs';
import path from 'node:path';

import { brokenCodeLinks, readCodeLinks } from '../src/markdown/code-links';
import { REPOSITORY_ROOT } from '../src/repository-root';

/** A file's text, or undefined when the path is not a file of the repository. */
function readRepositoryFile(relative: string): string | undefined {
  const absolute = path.join(REPOSITORY_ROOT, relative);
  if (!absolute.startsWith(REPOSITORY_ROOT + path.sep) || !statSync(absolute, { throwIfNoEntry: false })?.isFile()) {
    return undefined;
  }
  return readFileSync(absolute, 'utf8');
}

/**
 * The code tour names files and the functions or classes to read in them; when code moves, this
 * says which link to update.
 */
it('docs/architecture.md links only to files that exist and hold the symbols it names', () => {
  const document = 'docs/architecture.md';
  const source = readRepositoryFile(document)!;
  expect(source).toContain('```mermaid');
  expect(readCodeLinks(source).filter((link) => link.symbols.length > 0).length).toBeGreaterThan(30);
  expect(brokenCodeLinks(document, source, readRepositoryFile)).toEqual([]);
});
