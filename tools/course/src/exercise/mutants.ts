import type { Mutant } from './exercise-definition';

export class MutantDefinitionError extends Error {
  override readonly name = 'MutantDefinitionError';
}

/**
 * The source of one mutant: the correct source with the mutant's edits applied. An edit whose text
 * does not occur exactly once is refused, so a change to the correct code cannot silently turn a
 * mutant into a copy of the original.
 */
export function applyMutant(source: string, mutant: Mutant): string {
  if (mutant.edits.length === 0) throw new MutantDefinitionError(`mutant ${mutant.id} changes nothing`);
  let mutated = source;
  for (const { find, replace } of mutant.edits) {
    const first = mutated.indexOf(find);
    if (first === -1)
      throw new MutantDefinitionError(`mutant ${mutant.id}: the text to replace is not in the source: ${find}`);
    if (mutated.indexOf(find, first + 1) !== -1) {
      throw new MutantDefinitionError(`mutant ${mutant.id}: the text to replace occurs more than once: ${find}`);
    }
    if (find === replace) throw new MutantDefinitionError(`mutant ${mutant.id}: an edit replaces a text by itself`);
    mutated = mutated.slice(0, first) + replace + mutated.slice(first + find.length);
  }
  return mutated;
}
