/**
 * Compose's variable interpolation, applied to every string value of a compose file: `$VAR`,
 * `${VAR}`, `${VAR:-default}` / `${VAR-default}`, `${VAR:?message}` / `${VAR?message}`,
 * `${VAR:+other}` / `${VAR+other}`, and `$$` for a literal `$`. Keys are left as they are.
 */
export class MissingVariableError extends Error {
  readonly code = 'COMPOSE_VARIABLE_MISSING';
  constructor(
    readonly variable: string,
    message: string,
  ) {
    super(message);
  }
}

const PATTERN =
  /\$(?:(\$)|\{([A-Za-z_][A-Za-z0-9_]*)(?:(:?)([-?+])((?:[^{}]|\{[^{}]*\})*))?\}|([A-Za-z_][A-Za-z0-9_]*))/g;

export function interpolateString(text: string, env: Readonly<Record<string, string | undefined>>): string {
  return text.replace(
    PATTERN,
    (
      _match,
      dollar: string | undefined,
      braced: string | undefined,
      colon: string,
      operator: string,
      operand: string,
      bare: string | undefined,
    ) => {
      if (dollar) return '$';
      const name = (braced ?? bare) as string;
      const value = env[name];
      // With a colon, an empty value counts as unset (as in the shell).
      const isSet = colon ? value !== undefined && value !== '' : value !== undefined;
      switch (operator) {
        case '-':
          return isSet ? (value as string) : interpolateString(operand, env);
        case '?':
          if (!isSet) throw new MissingVariableError(name, `required variable ${name} is missing a value: ${operand}`);
          return value as string;
        case '+':
          return isSet ? interpolateString(operand, env) : '';
        default:
          return value ?? '';
      }
    },
  );
}

/** A copy of a parsed compose file with every string value interpolated. */
export function interpolateCompose<T>(value: T, env: Readonly<Record<string, string | undefined>>): T {
  if (typeof value === 'string') return interpolateString(value, env) as T;
  if (Array.isArray(value)) return value.map((item: unknown) => interpolateCompose(item, env)) as T;
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, interpolateCompose(item, env)])) as T;
  }
  return value;
}
