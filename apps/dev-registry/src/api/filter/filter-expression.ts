/**
 * Consul's `?filter=` expressions (the go-bexpr language), evaluated against the JSON objects an
 * endpoint returns:
 *
 *   Service.Meta.version == "2" and "blue" in Service.Tags
 *   not (Checks.Status != passing) or Service.ID matches "^web-"
 *
 * Supported: == != `is [not] empty` `[not] in` `[not] contains` `[not] matches`, and/or/not and
 * parentheses; values quoted with "" or ``, or bare words and numbers. A selector that walks through
 * a list of objects (Checks.Status) matches when any element does. Unlike Consul, selectors are not
 * checked against the endpoint's schema: a misspelt field simply selects nothing.
 */

export class FilterSyntaxError extends Error {
  readonly code = 'INVALID_FILTER';
}

export type FilterPredicate = (item: unknown) => boolean;

type Token =
  | { kind: 'word'; text: string; at: number }
  | { kind: 'value'; text: string; at: number }
  | { kind: 'op'; text: '==' | '!=' | '(' | ')'; at: number };

const KEYWORDS = new Set(['and', 'or', 'not', 'in', 'is', 'empty', 'contains', 'matches']);
const WORD = /[A-Za-z_][A-Za-z0-9_-]*(?:\.[A-Za-z0-9_-]+)*/y;
const NUMBER = /-?\d+(?:\.\d+)?/y;

function tokenize(source: string): Token[] {
  const tokens: Token[] = [];
  let at = 0;
  while (at < source.length) {
    const char = source[at];
    if (/\s/.test(char)) {
      at += 1;
    } else if (char === '(' || char === ')') {
      tokens.push({ kind: 'op', text: char, at });
      at += 1;
    } else if (source.startsWith('==', at) || source.startsWith('!=', at)) {
      tokens.push({ kind: 'op', text: source.slice(at, at + 2) as '==' | '!=', at });
      at += 2;
    } else if (char === '"' || char === '`') {
      const [text, end] = char === '"' ? readQuoted(source, at) : readRaw(source, at);
      tokens.push({ kind: 'value', text, at });
      at = end;
    } else {
      NUMBER.lastIndex = at;
      WORD.lastIndex = at;
      const number = /[-\d]/.test(char) ? NUMBER.exec(source) : null;
      const word = number ? null : WORD.exec(source);
      const match = number ?? word;
      if (!match) throw new FilterSyntaxError(`unexpected "${char}" at position ${at}`);
      tokens.push({ kind: number ? 'value' : 'word', text: match[0], at });
      at += match[0].length;
    }
  }
  return tokens;
}

function readQuoted(source: string, start: number): [string, number] {
  let text = '';
  for (let at = start + 1; at < source.length; at += 1) {
    const char = source[at];
    if (char === '"') return [text, at + 1];
    if (char === '\\' && at + 1 < source.length) {
      const next = source[++at];
      text += next === 'n' ? '\n' : next === 't' ? '\t' : next;
    } else {
      text += char;
    }
  }
  throw new FilterSyntaxError(`unterminated string at position ${start}`);
}

function readRaw(source: string, start: number): [string, number] {
  const end = source.indexOf('`', start + 1);
  if (end < 0) throw new FilterSyntaxError(`unterminated string at position ${start}`);
  return [source.slice(start + 1, end), end + 1];
}

class Parser {
  private at = 0;
  constructor(private readonly tokens: Token[]) {}

  parse(): FilterPredicate {
    const predicate = this.or();
    const extra = this.tokens[this.at];
    if (extra) throw new FilterSyntaxError(`unexpected "${extra.text}" at position ${extra.at}`);
    return predicate;
  }

  private or(): FilterPredicate {
    let left = this.and();
    while (this.keyword('or')) {
      const [a, b] = [left, this.and()];
      left = (item) => a(item) || b(item);
    }
    return left;
  }

  private and(): FilterPredicate {
    let left = this.not();
    while (this.keyword('and')) {
      const [a, b] = [left, this.not()];
      left = (item) => a(item) && b(item);
    }
    return left;
  }

  private not(): FilterPredicate {
    if (this.keyword('not')) {
      const inner = this.not();
      return (item) => !inner(item);
    }
    if (this.peek()?.text === '(' && this.peek()?.kind === 'op') {
      this.at += 1;
      const inner = this.or();
      if (this.next()?.text !== ')') throw new FilterSyntaxError('missing ")"');
      return inner;
    }
    return this.match();
  }

  private match(): FilterPredicate {
    const first = this.next();
    if (!first || first.kind === 'op')
      throw new FilterSyntaxError(
        first ? `unexpected "${first.text}" at position ${first.at}` : 'expression ends too early',
      );

    // "<value> [not] in <selector>"
    const negatedIn = this.peekKeyword('not') && this.peekKeyword('in', 1);
    if (first.kind === 'value' || this.peekKeyword('in') || negatedIn) {
      if (negatedIn) this.at += 1;
      if (!this.keyword('in')) throw new FilterSyntaxError(`expected "in" after the value at position ${first.at}`);
      const select = selector(this.expect('word', 'a selector'));
      return negate(negatedIn, (item) => select(item).some((v) => holds(v, first.text)));
    }

    const select = selector(first);
    const op = this.next();
    if (op?.kind === 'op' && (op.text === '==' || op.text === '!=')) {
      const value = this.value();
      return negate(op.text === '!=', (item) => select(item).some((v) => sameScalar(v, value)));
    }
    if (op?.kind === 'word' && op.text === 'is') {
      const negated = this.keyword('not');
      if (!this.keyword('empty')) throw new FilterSyntaxError(`expected "empty" after "is" at position ${op.at}`);
      return negate(negated, (item) => select(item).every(isEmpty));
    }
    const negated = op?.kind === 'word' && op.text === 'not';
    const verb = negated ? this.next() : op;
    if (verb?.kind === 'word' && verb.text === 'contains') {
      const value = this.value();
      return negate(negated, (item) => select(item).some((v) => holds(v, value)));
    }
    if (verb?.kind === 'word' && verb.text === 'matches') {
      const pattern = this.value();
      let regex: RegExp;
      try {
        regex = new RegExp(pattern);
      } catch {
        throw new FilterSyntaxError(`invalid regular expression "${pattern}"`);
      }
      return negate(negated, (item) => select(item).some((v) => typeof v === 'string' && regex.test(v)));
    }
    throw new FilterSyntaxError(
      `expected ==, !=, is, contains, matches or in after "${first.text}" at position ${first.at}`,
    );
  }

  private value(): string {
    const token = this.next();
    if (!token || token.kind === 'op' || (token.kind === 'word' && KEYWORDS.has(token.text))) {
      throw new FilterSyntaxError(token ? `expected a value at position ${token.at}` : 'expected a value at the end');
    }
    return token.text;
  }

  private expect(kind: Token['kind'], what: string): Token {
    const token = this.next();
    if (token?.kind !== kind || KEYWORDS.has(token.text)) {
      throw new FilterSyntaxError(token ? `expected ${what} at position ${token.at}` : `expected ${what} at the end`);
    }
    return token;
  }

  private keyword(word: string): boolean {
    if (!this.peekKeyword(word)) return false;
    this.at += 1;
    return true;
  }

  private peekKeyword(word: string, ahead = 0): boolean {
    const token = this.tokens[this.at + ahead];
    return token?.kind === 'word' && token.text === word;
  }

  private peek(): Token | undefined {
    return this.tokens[this.at];
  }

  private next(): Token | undefined {
    return this.tokens[this.at++];
  }
}

/** Values a dotted selector reaches; walking into a list of objects fans out over its elements. */
function selector(token: Token): (item: unknown) => unknown[] {
  if (token.kind !== 'word' || KEYWORDS.has(token.text))
    throw new FilterSyntaxError(`expected a selector at position ${token.at}`);
  const path = token.text.split('.');
  return (item) => {
    let current: unknown[] = [item];
    for (const segment of path) {
      const next: unknown[] = [];
      for (const value of current) {
        for (const holder of Array.isArray(value) ? value : [value]) {
          if (isRecord(holder) && Object.hasOwn(holder, segment)) next.push(holder[segment]);
        }
      }
      current = next;
    }
    return current;
  };
}

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

function sameScalar(value: unknown, expected: string): boolean {
  return (
    (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') && String(value) === expected
  );
}

/** `in`/`contains`: membership in a list, a key of a map, or a substring of a string. */
function holds(container: unknown, value: string): boolean {
  if (Array.isArray(container)) return container.some((v) => sameScalar(v, value));
  if (isRecord(container)) return Object.hasOwn(container, value);
  return typeof container === 'string' && container.includes(value);
}

function isEmpty(value: unknown): boolean {
  if (value === null || value === undefined || value === '') return true;
  if (Array.isArray(value)) return value.length === 0;
  if (isRecord(value)) return Object.keys(value).length === 0;
  return false;
}

const negate = (negated: boolean, predicate: FilterPredicate): FilterPredicate =>
  negated ? (item) => !predicate(item) : predicate;

/** Compiles a filter expression; throws FilterSyntaxError saying where it went wrong. */
export function compileFilter(source: string): FilterPredicate {
  const tokens = tokenize(source);
  if (tokens.length === 0) throw new FilterSyntaxError('empty expression');
  return new Parser(tokens).parse();
}
