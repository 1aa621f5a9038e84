/**
 * How a text from the KV store or a mapped environment variable becomes a config value: JSON when
 * it parses as JSON (numbers, booleans, objects, quoted strings), otherwise the text itself. So
 * `500` is a number, `true` a boolean, `{"enabled":true}` an object and `debug` a string.
 */
export function parseValue(text: string): unknown {
  const trimmed = text.trim();
  if (trimmed === '') return text;
  // Only try JSON where it can be JSON: most plain strings fail on the first character.
  if (!/^[-\d[{"]|^(true|false|null)$/.test(trimmed)) return text;
  try {
    return JSON.parse(trimmed) as unknown;
  } catch {
    return text;
  }
}

/**
 * The inverse, for writing a value to the KV store: plain strings stay as they are (readable in a
 * KV browser), the rest is JSON, and so is a string that would otherwise read back as something else
 * (`"1"`, `"true"`), so that every value survives the round trip with its type.
 */
export function formatValue(value: unknown): string {
  if (typeof value === 'string' && parseValue(value) === value) return value;
  return JSON.stringify(value);
}
