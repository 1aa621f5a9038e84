import { applyMutant, MutantDefinitionError } from './mutants';

const source = 'if (failures >= threshold) open();\nreturn state;\n';
const mutant = (edits: Array<{ find: string; replace: string }>) => ({ id: 'm', bug: 'b', hint: 'h', edits });

describe('applyMutant', () => {
  it('applies every edit to the source', () => {
    expect(
      applyMutant(
        source,
        mutant([
          { find: '>=', replace: '>' },
          { find: 'return state', replace: 'return "closed"' },
        ]),
      ),
    ).toBe('if (failures > threshold) open();\nreturn "closed";\n');
  });

  it.each([
    ['a text that is not there', [{ find: '<=', replace: '<' }], /not in the source: <=/],
    ['a text that occurs twice', [{ find: 'e', replace: 'E' }], /occurs more than once: e/],
    ['no edit at all', [], /changes nothing/],
    ['an edit that changes nothing', [{ find: '>=', replace: '>=' }], /replaces a text by itself/],
  ])('refuses %s', (_what, edits, message) => {
    expect(() => applyMutant(source, mutant(edits))).toThrow(MutantDefinitionError);
    expect(() => applyMutant(source, mutant(edits))).toThrow(message);
  });
});
