/** One variable that failed validation; `message` never contains a secret's value. */
export interface ConfigIssue {
  readonly variable: string;
  readonly message: string;
}

/**
 * Thrown when the configuration does not satisfy the schema. The message names every offending
 * variable (or, for layered configuration, every setting) on its own line, so one failed start
 * shows everything that needs fixing.
 */
export class ConfigError extends Error {
  readonly code = 'CONFIG_INVALID';
  readonly issues: ConfigIssue[];

  constructor(issues: ConfigIssue[], o: { noun?: 'variable' | 'setting' } = {}) {
    const singular = o.noun ?? 'variable';
    const noun = issues.length === 1 ? singular : `${singular}s`;
    const lines = issues.map((i) => `  ${i.variable}: ${i.message}`);
    super([`Invalid configuration (${issues.length} ${noun}):`, ...lines].join('\n'));
    this.name = 'ConfigError';
    this.issues = issues;
  }
}
