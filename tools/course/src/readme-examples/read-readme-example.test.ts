import { LabDocumentError } from '../lab/lab-document';
import { readReadmeExample } from './read-readme-example';

const fence = (info: string, body: string) => ['```' + info, body, '```'].join('\n');
const readme = (...parts: string[]) => ['# @lab/thing', ...parts].join('\n\n');

describe('readReadmeExample', () => {
  it('takes only the blocks marked to run, with the file blocks they use', () => {
    const example = readReadmeExample(
      readme(
        fence('ts', 'shown only'),
        fence('sh', 'npm start   # shown only'),
        fence('output', 'not compared: no sh run before it'),
        fence('ts file=example.mts', "console.log('$HOME stays as written')"),
        fence('sh run timeout=5s', 'node example.mts'),
        fence('output', '$HOME stays as written'),
      ),
      'README.md',
    );
    expect(example?.steps).toHaveLength(1);
    const [write, run] = example!.steps[0].commands;
    expect(write.source).toBe(
      "cat > 'example.mts' <<'__README_EXAMPLE_END__'\nconsole.log('$HOME stays as written')\n__README_EXAMPLE_END__\n",
    );
    expect(run).toMatchObject({
      source: 'node example.mts\n',
      timeoutMs: 5000,
      expect: { text: '$HOME stays as written\n' },
    });
  });

  it('finds nothing in a README without a block to run', () => {
    expect(readReadmeExample(readme(fence('ts file=a.mts', 'x'), fence('sh', 'ls')), 'README.md')).toBeUndefined();
  });

  it('refuses a file name with a path in it', () => {
    expect(() => readReadmeExample(readme(fence('ts file=../a.mts', 'x')), 'README.md')).toThrow(LabDocumentError);
  });
});
