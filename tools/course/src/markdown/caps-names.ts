/** ALL_CAPS names with an underscore: environment variables, error codes, constants. */
const CAPS_NAME = /(?<![A-Za-z0-9_])[A-Z][A-Z0-9]*_[A-Z0-9_]*(?![A-Za-z0-9_])/g;

/** Every ALL_CAPS name with an underscore in `text` (LOG_LEVEL, DNS_SERVERS, NO_HEALTHY_INSTANCE), once each. */
export function capsNames(text: string): string[] {
  return [...new Set(text.match(CAPS_NAME) ?? [])];
}

/**
 * The names a document's own code declares as keys (`NOTES_PAGE_SIZE: z.coerce.number()`,
 * `envMapping: { PAGE_SIZE: 'page.size' }`): an example's own variables, which no code of the
 * repository reads.
 */
export function declaredCapsNames(text: string): Set<string> {
  return new Set([...text.matchAll(/(?<![A-Za-z0-9_])([A-Z][A-Z0-9]*_[A-Z0-9_]*)\s*:\s*[\w'"{[]/g)].map((m) => m[1]!));
}
