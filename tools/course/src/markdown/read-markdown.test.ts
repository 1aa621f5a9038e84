import { readMarkdown } from './read-markdown';

describe('readMarkdown', () => {
  it('returns headings and fenced blocks in order, with their lines and attributes', () => {
    const doc = [
      '# Lab',
      '',
      'Some prose with `inline code`.',
      '',
      '## Step 1: look',
      '',
      '```sh',
      'echo hi',
      '```',
      '',
      '~~~output eventually=5s exit=1',
      'hi',
      '~~~',
      '',
      '    indented code is not a fence',
    ].join('\n');
    expect(readMarkdown(doc)).toEqual([
      { kind: 'heading', level: 1, text: 'Lab', line: 1 },
      { kind: 'heading', level: 2, text: 'Step 1: look', line: 5 },
      { kind: 'fence', language: 'sh', attributes: new Map(), body: 'echo hi\n', line: 7 },
      {
        kind: 'fence',
        language: 'output',
        attributes: new Map<string, string | true>([
          ['eventually', '5s'],
          ['exit', '1'],
        ]),
        body: 'hi\n',
        line: 11,
      },
    ]);
  });

  it('keeps a fence inside a longer fence as text', () => {
    const doc = ['````md', '```sh', 'not a command', '```', '````'].join('\n');
    expect(readMarkdown(doc)).toEqual([
      { kind: 'fence', language: 'md', attributes: new Map(), body: '```sh\nnot a command\n```\n', line: 1 },
    ]);
  });
});
