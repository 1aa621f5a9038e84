import { brokenCodeLinks, readCodeLinks } from './code-links';

// The document sits in docs/; its links resolve from there.
const files = new Map([['libs/a/client.ts', 'export class ServiceClient {\n  request() {}\n}\n']]);
const readFile = (resolved: string) => files.get(resolved);

describe('readCodeLinks', () => {
  it('reads relative links with the identifiers of their code text, and leaves web links and anchors out', () => {
    const source = [
      '# Tour',
      '',
      'See [`ServiceClient.request`](../libs/a/client.ts#L3) and [the README](../README.md),',
      '[`httpOrigin`](../libs/common/src/http-origin.ts)`(address, port)`, [site](https://example.org), [up](#tour).',
    ].join('\n');
    expect(readCodeLinks(source)).toEqual([
      { target: '../libs/a/client.ts', symbols: ['ServiceClient', 'request'], line: 3 },
      { target: '../README.md', symbols: [], line: 3 },
      { target: '../libs/common/src/http-origin.ts', symbols: ['httpOrigin'], line: 3 },
    ]);
  });
});

describe('brokenCodeLinks', () => {
  it('passes links to files that hold the symbols they name', () => {
    expect(brokenCodeLinks('docs/tour.md', '[`ServiceClient.request`](../libs/a/client.ts)', readFile)).toEqual([]);
  });

  it('names a missing file and a symbol the file does not hold (nor holds only as part of a longer name)', () => {
    const source = [
      '[`ServiceClient.send`](../libs/a/client.ts)',
      '',
      '[`Service`](../libs/a/client.ts)',
      '',
      '[`Gone`](../libs/a/gone.ts)',
    ].join('\n');
    expect(brokenCodeLinks('docs/tour.md', source, readFile)).toEqual([
      'docs/tour.md:1: ../libs/a/client.ts has no send',
      'docs/tour.md:3: ../libs/a/client.ts has no Service',
      'docs/tour.md:5: ../libs/a/gone.ts does not exist',
    ]);
  });
});
