/** Variable names that hold credentials. Matching is generous on purpose: hiding a harmless
 * value costs nothing, printing a password cannot be undone. */
const SECRET_NAME = /SECRET|PASSWORD|TOKEN|KEY|CREDENTIAL/i;

export const REDACTED = '[redacted]';

export function isSecretName(name: string): boolean {
  return SECRET_NAME.test(name);
}

/**
 * A copy of `config` that is safe to log: values of `secretKeys`, of keys whose name looks
 * secret, and the password part of URLs (postgres://user:pass@host) are replaced.
 */
export function redactSecrets(config: object, secretKeys: readonly string[] = []): Record<string, unknown> {
  const secrets = new Set(secretKeys);
  const copy: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(config)) {
    if (value === undefined || value === null) copy[key] = value;
    else if (secrets.has(key) || isSecretName(key)) copy[key] = REDACTED;
    else if (typeof value === 'string') copy[key] = redactUrlPassword(value);
    else copy[key] = value;
  }
  return copy;
}

/** Connection strings often embed a password even when their variable name looks harmless. */
const URL_PASSWORD = /^([a-z][a-z0-9+.-]*:\/\/[^/@\s:]*:)[^/@\s]*@/i;

export function hasUrlCredentials(value: string): boolean {
  return URL_PASSWORD.test(value);
}

function redactUrlPassword(value: string): string {
  return value.replace(URL_PASSWORD, `$1${REDACTED}@`);
}
