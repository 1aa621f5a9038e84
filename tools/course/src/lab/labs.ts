import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';

import { REPOSITORY_ROOT } from '../repository-root';
import type { LabDefinition } from './lab-definition';
import { readLabDocument, type LabDocument } from './lab-document';

export interface LabFolder {
  number: number;
  /** e.g. "01-consul-registration" */
  name: string;
  dir: string;
  readme: string;
}

export class UnknownLabError extends Error {
  override readonly name = 'UnknownLabError';
}

/** Every `labs/NN-name/` folder holding a README.md, by number. */
export function listLabs(root = REPOSITORY_ROOT): LabFolder[] {
  const labsDir = path.join(root, 'labs');
  if (!existsSync(labsDir)) return [];
  return readdirSync(labsDir, { withFileTypes: true })
    .filter((entry) => entry.isDirectory() && /^\d{2}-/.test(entry.name))
    .map((entry) => ({
      number: Number(entry.name.slice(0, 2)),
      name: entry.name,
      dir: path.join(labsDir, entry.name),
      readme: path.join(labsDir, entry.name, 'README.md'),
    }))
    .filter((lab) => existsSync(lab.readme))
    .sort((a, b) => a.number - b.number);
}

export function findLab(number: number, root = REPOSITORY_ROOT): LabFolder {
  const lab = listLabs(root).find((l) => l.number === number);
  if (!lab) {
    const known = listLabs(root).map((l) => l.number);
    throw new UnknownLabError(`there is no lab ${number} (labs: ${known.join(', ') || 'none'})`);
  }
  return lab;
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
