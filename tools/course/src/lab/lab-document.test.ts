import { LabDocumentError, readLabDocument } from './lab-document';

const fence = (info: string, body: string) => ['```' + info, body, '```'].join('\n');
const doc = (...parts: string[]) => parts.join('\n\n');

describe('readLabDocument', () => {
  it('reads the title, the numbered steps, their commands and expected output', () => {
    const lab = readLabDocument(
      doc(
        '# Lab 9: a test',
        '## Prerequisites',
        fence('sh', 'npm start   # read, not run'),
        '## Step 1: point the shell at the stack',
        fence('sh env', 'export GW=http://127.0.0.1:8080\n# a comment\nexport DEMO_PORT=9101'),
        '## Step 2 — look',
        fence('sh timeout=5s', 'curl -s $GW/x'),
        fence('output eventually=3s exit=7', 'hello {{int}}'),
        fence('json', '{"not":"run"}'),
        fence('sh', 'echo two'),
        '## Troubleshooting',
        fence('sh', 'also read only'),
      ),
      'README.md',
    );
    expect(lab.title).toBe('Lab 9: a test');
    expect(lab.steps.map((s) => [s.number, s.title, s.commands.length])).toEqual([
      [1, 'point the shell at the stack', 1],
      [2, 'look', 2],
    ]);
    expect(lab.steps[0].commands[0].env).toEqual([
      { name: 'GW', value: 'http://127.0.0.1:8080' },
      { name: 'DEMO_PORT', value: '9101' },
    ]);
    const [look, two] = lab.steps[1].commands;
    expect(look).toMatchObject({ source: 'curl -s $GW/x\n', timeoutMs: 5000, line: 19 });
    expect(look.expect).toMatchObject({ line: 23, text: 'hello {{int}}\n', exitCode: 7, eventuallyMs: 3000 });
    expect(two).toEqual({ line: 31, source: 'echo two\n', timeoutMs: 60_000 });
  });

  it.each([
    ['no title', doc('## Step 1: x'), 1, /starts with a "# Title"/],
    ['no steps', doc('# T', '## Intro'), 1, /at least one "## Step 1/],
    ['a step out of order', doc('# T', '## Step 1: a', '## Step 3: c'), 5, /expected Step 2, found Step 3/],
    ['output first', doc('# T', '## Step 1: a', fence('output', 'x')), 5, /must follow the sh block/],
    [
      'two outputs',
      doc('# T', '## Step 1: a', fence('sh', 'x'), fence('output', 'x'), fence('output', 'y')),
      13,
      /already has an output block/,
    ],
    [
      'an unknown word',
      doc('# T', '## Step 1: a', fence('sh background', 'x')),
      5,
      /unknown word "background" after sh \(known: env, timeout, needs; timeout takes =30s, needs =docker\)/,
    ],
    ['a bad duration', doc('# T', '## Step 1: a', fence('sh timeout=1m', 'x')), 5, /whole seconds, as timeout=20s/],
    ['a bad placeholder', doc('# T', '## Step 1: a', fence('sh', 'x'), fence('output', '{{port}}')), 9, /\{\{port\}\}/],
    ['a non-export env line', doc('# T', '## Step 1: a', fence('sh env', 'GW=x')), 6, /only "export NAME=value"/],
  ])('refuses %s, naming the line', (_what, source, line, message) => {
    let error: unknown;
    try {
      readLabDocument(source, 'lab.md');
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(LabDocumentError);
    expect(error).toMatchObject({ line, message: expect.stringMatching(message) });
    expect((error as Error).message.startsWith(`lab.md:${line}: `)).toBe(true);
  });
});
