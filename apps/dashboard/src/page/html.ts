import escapeHtml from 'escape-html';

/** Markup that is already safe: produced by html`` or by raw() on text the code wrote itself. */
export class Html {
  constructor(readonly text: string) {}

  toString(): string {
    return this.text;
  }
}

function part(value: unknown): string {
  if (value instanceof Html) return value.text;
  if (Array.isArray(value)) return value.map(part).join('');
  if (value === undefined || value === null || value === false) return '';
  return escapeHtml(String(value));
}

/**
 * A template whose interpolated values are escaped unless they are Html themselves, so what an
 * instance or the registry reports (check output, config values, ids) can never become markup.
 * Arrays are joined; undefined, null and false render nothing.
 */
export function html(strings: TemplateStringsArray, ...values: unknown[]): Html {
  let text = strings[0];
  for (let i = 0; i < values.length; i++) text += part(values[i]) + strings[i + 1];
  return new Html(text);
}

/** Markup the code wrote itself, as a constant: never for anything that came from outside. */
export function raw(text: string): Html {
  return new Html(text);
}
