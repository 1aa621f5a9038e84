import MarkdownIt from 'markdown-it';

/** A fenced code block: its language, the words after it (`output eventually=10s`), its text. */
export interface FencedBlock {
  kind: 'fence';
  language: string;
  /** `key=value` words as given; a bare word maps to `true`. */
  attributes: ReadonlyMap<string, string | true>;
  body: string;
  /** 1-based line of the opening fence, for reports that point into the document. */
  line: number;
}

export interface Heading {
  kind: 'heading';
  level: number;
  text: string;
  line: number;
}

export type MarkdownNode = FencedBlock | Heading;

// CommonMark's rules for fences (backticks or tildes, longer closing fences, indentation) are
// markdown-it's job; only headings and fenced blocks matter here, in document order.
const parser = new MarkdownIt('commonmark');

/** The headings and fenced code blocks of a Markdown document, in order. */
export function readMarkdown(source: string): MarkdownNode[] {
  const tokens = parser.parse(source, {});
  const nodes: MarkdownNode[] = [];
  for (let i = 0; i < tokens.length; i++) {
    const token = tokens[i];
    const line = (token.map?.[0] ?? 0) + 1;
    if (token.type === 'heading_open') {
      nodes.push({ kind: 'heading', level: Number(token.tag.slice(1)), text: tokens[i + 1]?.content ?? '', line });
    } else if (token.type === 'fence') {
      const [language = '', ...words] = token.info.trim().split(/\s+/);
      nodes.push({ kind: 'fence', language, attributes: parseAttributes(words), body: token.content, line });
    }
  }
  return nodes;
}

function parseAttributes(words: string[]): Map<string, string | true> {
  const attributes = new Map<string, string | true>();
  for (const word of words) {
    if (word === '') continue;
    const eq = word.indexOf('=');
    if (eq === -1) attributes.set(word, true);
    else attributes.set(word.slice(0, eq), word.slice(eq + 1));
  }
  return attributes;
}
