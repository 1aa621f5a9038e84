import { z } from 'zod';

export interface EnvIntOptions {
  min?: number;
  max?: number;
  default?: number;
}

const INTEGER = /^[+-]?\d+$/;

/** An integer given as a string ("8080"), within [min, max]. */
export function envInt(options: EnvIntOptions = {}) {
  const { min = Number.MIN_SAFE_INTEGER, max = Number.MAX_SAFE_INTEGER } = options;
  const message = `expected an integer${rangeText(min, max)}`;
  const schema = z.string().transform((text, ctx) => {
    const trimmed = text.trim();
    const value = Number(trimmed);
    if (INTEGER.test(trimmed) && value >= min && value <= max) return value;
    ctx.addIssue({ code: 'custom', message });
    return z.NEVER;
  });
  return options.default === undefined ? schema : schema.default(options.default);
}

/** A TCP port; 0 is allowed because it asks the OS for a free port (tests, parallel runs). */
export function envPort(defaultPort?: number) {
  return envInt({ min: 0, max: 65535, default: defaultPort });
}

function rangeText(min: number, max: number): string {
  if (min === Number.MIN_SAFE_INTEGER && max === Number.MAX_SAFE_INTEGER) return '';
  if (max === Number.MAX_SAFE_INTEGER) return ` >= ${min}`;
  if (min === Number.MIN_SAFE_INTEGER) return ` <= ${max}`;
  return ` ${min}..${max}`;
}
