import path from 'node:path';
import MarkdownIt from 'markdown-it';

/** A relative link in a document, and the symbol it names when its text is code (`ServiceClient.request`). */
export interface CodeLink {
  /** The target as written, without its #fragment. */
  target: string;
  /** Identifiers of the linked code text, e.g. ['ServiceClient', 'request']; empty for plain text. */
  symbols: string[];
  line: number;
}

const parser = new MarkdownIt('commonmark');
const IDENTIFIER = /[A-Za-z_$][\w$]*/g;

/** The relative links of a Markdown document (web links and in-page anchors left out), in order. */
export function readCodeLinks(source: string): CodeLink[] {
  const links: CodeLink[] = [];
  for (const block of parser.parse(source, {})) {
    const children = block.children ?? [];
    const line = (block.map?.[0] ?? 0) + 1;
    for (let i = 0; i < children.length; i++) {
      if (children[i].type !== 'link_open') continue;
      const href = String(children[i].attrGet('href') ?? '');
      if (/^[a-z][a-z0-9+.-]*:/i.test(href) || href.startsWith('#')) continue;
      // Only code that is the link's first piece names a symbol: [`httpOrigin`](…)(address, port).
      const first = children[i + 1];
      const code = first?.type === 'code_inline' ? first.content.replace(/\(.*$/, '') : '';
      links.push({ target: decodeURI(href.replace(/#.*$/, '')), symbols: code.match(IDENTIFIER) ?? [], line });
    }
  }
  return links;
}

/**
 * What is wrong with the links of the document at `documentPath`: targets that do not exist, and
 * symbols that do not occur as a word in the file linked. `readFile` answers undefined for a path
 * that is not a file.
 */
export function brokenCodeLinks(
  documentPath: string,
  source: string,
  readFile: (resolved: string) => string | undefined,
): string[] {
  const problems: string[] = [];
  for (const link of readCodeLinks(source)) {
    const resolved = path.join(path.dirname(documentPath), link.target);
    const text = readFile(resolved);
    if (text === undefined) {
      problems.push(`${documentPath}:${link.line}: ${link.target} does not exist`);
      continue;
    }
    for (const symbol of link.symbols) {
      if (!new RegExp(`(^|[^\\w$])${symbol.replace(/\$/g, '\\$')}($|[^\\w$])`).test(text)) {
        problems.push(`${documentPath}:${link.line}: ${link.target} has no ${symbol}`);
      }
    }
  }
  return problems;
}
