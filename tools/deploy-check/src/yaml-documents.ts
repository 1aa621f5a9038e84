import { readFileSync } from 'node:fs';
import { parseAllDocuments } from 'yaml';

export class YamlSyntaxError extends Error {
  readonly code = 'YAML_SYNTAX';
}

/**
 * Every document of a YAML stream as plain data, with `<<` merge keys resolved (compose files use
 * them) and YAML 1.1 booleans and octals left as the strings YAML 1.2 reads them as. Empty documents
 * (a trailing `---`) are dropped.
 */
export function parseYamlDocuments(text: string, source = '<text>'): unknown[] {
  const documents = parseAllDocuments(text, { merge: true, uniqueKeys: true, prettyErrors: false });
  const list = Array.isArray(documents) ? documents : [documents];
  const values: unknown[] = [];
  for (const document of list) {
    const error = document.errors[0];
    if (error) throw new YamlSyntaxError(`${source}: ${error.message}`);
    const value: unknown = document.toJS({ maxAliasCount: 1000 });
    if (value !== null && value !== undefined) values.push(value);
  }
  return values;
}

export function readYamlDocuments(file: string): unknown[] {
  return parseYamlDocuments(readFileSync(file, 'utf8'), file);
}

/** The one document of a file that must hold exactly one. */
export function readYamlDocument(file: string): unknown {
  const documents = readYamlDocuments(file);
  if (documents.length !== 1)
    throw new YamlSyntaxError(`${file}: expected one YAML document, found ${documents.length}`);
  return documents[0];
}
