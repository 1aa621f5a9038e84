import { execForm, parseDockerfile } from './dockerfile';

describe('parseDockerfile', () => {
  const text = [
    '# syntax=docker/dockerfile:1',
    'ARG BASE=node:24',
    '',
    'FROM ${BASE} AS build',
    'RUN npm ci \\',
    '    # a comment inside',
    ' && npm run build',
    'FROM ${BASE}',
    'CMD ["node", "main.js"]',
  ].join('\n');

  it('groups instructions by stage and joins continued lines', () => {
    const parsed = parseDockerfile(text);
    expect(parsed.globalArgs.map((i) => i.args)).toEqual(['BASE=node:24']);
    expect(parsed.stages.map((s) => [s.name, s.base])).toEqual([
      ['build', '${BASE}'],
      [undefined, '${BASE}'],
    ]);
    expect(parsed.stages[0].instructions).toEqual([{ keyword: 'RUN', args: 'npm ci && npm run build', line: 5 }]);
  });

  it('reads exec form, also after HEALTHCHECK options', () => {
    expect(execForm('["node", "main.js"]')).toEqual(['node', 'main.js']);
    expect(execForm('--interval=10s --retries=3 CMD ["node", "check.js"]')).toEqual(['node', 'check.js']);
    expect(execForm('node main.js')).toBeUndefined();
  });
});
