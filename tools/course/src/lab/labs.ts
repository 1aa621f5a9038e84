import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';

import { findNumberedFolder, listNumberedFolders, type NumberedFolder } from '../numbered-folders';
import { REPOSITORY_ROOT } from '../repository-root';
import type { LabDefinition } from './lab-definition';
import { readLabDocument, type LabDocument } from './lab-document';

export interface LabFolder extends NumberedFolder {
  readme: string;
}

export class UnknownLabError extends Error {
  override readonly name = 'UnknownLabError';
}

/** Every `labs/NN-name/` folder holding a README.md, by number. */
export function listLabs(root = REPOSITORY_ROOT): LabFolder[] {
  return listNumberedFolders(path.join(root, 'labs'), ['README.md']).map((folder) => ({
    ...folder,
    readme: path.join(folder.dir, 'README.md'),
  }));
}

export function findLab(number: number, root = REPOSITORY_ROOT): LabFolder {
  return findNumberedFolder(listLabs(root), number, 'lab', (message) => new UnknownLabError(message));
}

export function loadLabDocument(lab: LabFolder, root = REPOSITORY_ROOT): LabDocument {
  return readLabDocument(readFileSync(lab.readme, 'utf8'), path.relative(root, lab.readme));
}

/** The lab's `lab.ts`, loaded as it is: Node runs TypeScript that only needs its types removed. */
export async function loadLabDefinition(lab: LabFolder): Promise<LabDefinition> {
  const file = path.join(lab.dir, 'lab.ts');
  if (!existsSync(file)) return { checkpoints: [] };
  // An absolute path rather than a file: URL, which Jest's module loader (the tests) would not take.
  const loaded = (await import(file)) as { lab?: LabDefinition };
  if (!loaded.lab || !Array.isArray(loaded.lab.checkpoints)) {
    throw new Error(`${path.relative(REPOSITORY_ROOT, file)} must export const lab: LabDefinition`);
  }
  return loaded.lab;
}
